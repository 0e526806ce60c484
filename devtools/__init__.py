"""Development tools, not shipped in the wheel: `python -m devtools.synth` (synthetic KBs for
benchmarks and stress tests) and `python -m devtools.jsonschema --write` (the KB's JSON Schema
and docs/schema.md, generated from kb/store/schema.py)."""
