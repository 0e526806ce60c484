"""The checked-in JSON Schema and the schema reference are generated from kb/store/schema.py and current."""

from __future__ import annotations

import json

import yaml

from devtools import jsonschema
from tests.support.paths import FIXTURES


def test_json_schema_file_is_current() -> None:
    assert jsonschema.SCHEMA_FILE.read_text(encoding="utf-8") == jsonschema.render(), (
        "run: python -m devtools.jsonschema --write"
    )


def test_schema_doc_tables_are_current() -> None:
    current = jsonschema.SCHEMA_DOC.read_text(encoding="utf-8")
    assert current == jsonschema.render_schema_doc(current), "run: python -m devtools.jsonschema --write"


def _validate(instance: object, schema: dict, root: dict) -> list[str]:
    """A small JSON Schema checker for the keywords our generated schema uses."""
    if "$ref" in schema:
        return _validate(instance, root["$defs"][schema["$ref"].split("/")[-1]], root)
    errors: list[str] = []
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{instance!r} not in enum")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        python = {"string": str, "number": (int, float), "integer": int, "array": list, "object": dict}
        if not any(isinstance(instance, python[t]) for t in types):
            errors.append(f"{instance!r} is not {types}")
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            if key not in instance:
                errors.append(f"missing {key}")
        for key, value in instance.items():
            if key in schema.get("properties", {}):
                errors += _validate(value, schema["properties"][key], root)
            elif schema.get("additionalProperties") is False:
                errors.append(f"unexpected {key}")
    if isinstance(instance, list) and "items" in schema:
        for item in instance:
            errors += _validate(item, schema["items"], root)
    return errors


def test_a_valid_kb_file_passes_the_json_schema_and_a_bad_one_fails() -> None:
    schema = json.loads(jsonschema.SCHEMA_FILE.read_text(encoding="utf-8"))
    good = yaml.safe_load((FIXTURES / "mini_kb" / "kb.yaml").read_text(encoding="utf-8"))
    good = json.loads(json.dumps(good, default=str))  # dates as strings, as an editor sees them
    assert _validate(good, schema, schema) == []
    bad = yaml.safe_load((FIXTURES / "problems" / "unknown-field" / "vendors.yaml").read_text(encoding="utf-8"))
    assert _validate(bad, schema, schema) == ["unexpected contry"]
