"""chipkb's knowledge base, in four layers that import only downwards:

- `kb.cli`: the command line, one module per command;
- `kb.notes`: markdown notes, the vault export and the plain-text `show`;
- `kb.views`: what is computed from a loaded KB for people to read (comparisons, resolved entities);
- `kb.search`: the whoosh index of a KB folder and the query language;
- `kb.store`: reading a KB folder: YAML with limits, the schema, figures, validation, `load_kb`;
- `kb.text` and `kb.locations`: plain-text rules and the folders chipkb uses, for every layer.

Nothing in this package imports `textual` or `tui`; the app builds on it, never the reverse.
docs/architecture.md draws the plan; the import contracts in pyproject.toml enforce it.
"""

__version__ = "0.1.0"
