"""Every command's machine-readable output, as the real command prints it: each JSON document and
each JSON Lines line validates against its schema in docs/schemas/output/ (with `jsonschema`, the
library check-jsonschema uses), a failure in JSON mode is one error object, CSV and TSV read back
to the KB's text, JSON carries the real text of titles with control characters, and docs/outputs.md
is what its examples print today."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from devtools.outputs_doc import EXAMPLES, PAGE, example_output, render
from kb.cli.main import main
from kb.text.terminal_safe import visible
from tests.support.kb_files import write_kb
from tests.support.paths import FIXTURES, REPO

SCHEMAS = REPO / "docs" / "schemas" / "output"


def _retrieve(uri: str) -> Resource:
    return Resource.from_contents(json.loads((SCHEMAS / uri).read_text(encoding="utf-8")))


REGISTRY: Registry = Registry(retrieve=_retrieve)  # type: ignore[call-arg]


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=REGISTRY)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    folder.chmod(0o700)
    return folder


@pytest.fixture
def cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One cache for the module, so that the bundled KB's search index is built once."""
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(shared_cache))
    return shared_cache


# -- a KB whose text holds what a terminal acts on ------------------------------------------------

#: ESC sequences, a tab, a right-to-left override, C1 controls (CSI, NEL), a comma and quotes.
VENDOR_NAME = 'Acme\x1b[31m Red\tTab\u202eevil\x9bC1\x85end, "q"'
CHIP_NAME = "One\x1b]0;title\x07 chip\tX\u202e"
STATEMENT = "One chip\x1b[2J draws\t500 W\u202e"


def _yaml(text: str) -> str:
    """`text` as a YAML double-quoted scalar (json.dumps escapes what YAML reads back)."""
    return json.dumps(text)


HOSTILE_FILES = {
    "kb.yaml": f"""\
vendors:
  - id: acme
    name: {_yaml(VENDOR_NAME)}
    kind: chip-designer
sources:
  - id: src
    title: Spec sheet
    language: en
    text: The Acme chip has 96 GB of memory and draws 500 W.
chips:
  - id: one
    name: {_yaml(CHIP_NAME)}
    vendor: acme
    kind: gpu
    announced: 2024-03
    specs:
      - {{name: tdp, value: 500, unit: W, source: src}}
      - {{name: bf16-dense, value: 100, unit: TFLOPS, source: src}}
  - id: two
    name: Two chip
    vendor: acme
    kind: gpu
    specs:
      - {{name: tdp, value: 400, unit: W, source: src}}
claims:
  - id: c1
    statement: {_yaml(STATEMENT)}
    subjects: [one]
    source: src
    excerpt: The Acme chip has 96 GB of memory
    kind: fact
    date: 2024-05
    tags: [power]
""",
    # a problem whose message quotes the bad id, ESC and all
    "bad.yaml": 'vendors:\n  - {id: "bad\\e[31m", name: Bad, kind: other}\n',
}


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    return str(write_kb(tmp_path / "kb", HOSTILE_FILES))


# -- every command and JSON format against its schema ---------------------------------------------

BUNDLED_COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "show-chip": ["show", "trainium2"],
    "show-claim": ["show", "aws-alexa-moves-to-inf1"],
    "show-vendor": ["show", "aws"],
    "show-source": ["show", "allforces-aws-ai-chip-strategy"],
    "search": ["search", "Trn2 HBM", "--passages"],
    "search-partial": ["search", "Trainium2 zzzqqq"],
    "compare": ["compare", "trainium2", "tpu-v5p", "h100"],
    "validate": ["validate"],
    "rank": ["rank", "bf16-dense", "--per-watt"],
    "timeline": ["timeline", "--claims"],
}


def check_output(name: str, form: str, out: str) -> list[Any]:
    """The output validated: the document for json (and show's one line), each line for jsonl."""
    lines = out.splitlines()
    if form == "json" or name == "show":
        assert form == "json" or len(lines) == 1
        document = json.loads(out)
        validator(name).validate(document)
        assert document["version"] == 1
        return [document]
    records = [json.loads(line) for line in lines]
    for record in records:
        validator(f"{name}.line").validate(record)
        assert record["version"] == 1
    return records


@pytest.mark.parametrize("form", ["json", "jsonl"])
@pytest.mark.parametrize("case", sorted(BUNDLED_COMMANDS))
def test_bundled_output_matches_its_schema(
    case: str, form: str, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *BUNDLED_COMMANDS[case], "--format", form)
    assert code == 0
    assert check_output(case.split("-")[0], form, out)  # something was printed and checked


HOSTILE_COMMANDS: dict[str, list[str]] = {
    "list": ["list"],
    "show-vendor": ["show", "acme"],
    "show-chip": ["show", "one"],
    "show-claim": ["show", "c1"],
    "show-source": ["show", "src"],
    "search": ["search", "chip"],
    "compare": ["compare", "one", "two"],
    "validate": ["validate"],
    "rank": ["rank", "tdp"],
    "timeline": ["timeline", "--claims"],
}


@pytest.mark.parametrize("form", ["json", "jsonl"])
@pytest.mark.parametrize("case", sorted(HOSTILE_COMMANDS))
def test_hostile_text_output_matches_its_schema_and_no_control_is_raw(
    case: str, form: str, hostile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *HOSTILE_COMMANDS[case], "--kb", hostile, "--format", form)
    assert code == (1 if case == "validate" else 0)
    assert check_output(case.split("-")[0], form, out)
    assert re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", out) is None  # escaped for JSON, not raw


def test_validate_json_of_a_broken_kb_names_each_severity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--kb", str(FIXTURES / "hostile" / "bad-ids"), "--json")
    assert code == 1
    document = check_output("validate", "json", out)[0]
    assert document["errors"] == 4 and document["warnings"] == 1  # its file names no schema
    assert {p["severity"] for p in document["problems"]} == {"error", "warning"}
    schema = json.loads((SCHEMAS / "validate.schema.json").read_text(encoding="utf-8"))
    severity = schema["$defs"]["problem"]["properties"]["severity"]
    assert severity["enum"] == ["error", "warning", "info"] and "description" in severity


def test_validate_help_documents_severity(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "severity is error, warning or info" in shown


def test_a_schema_rejects_what_the_command_does_not_print(hostile: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The schemas are closed: a renamed or missing key is caught, so a shape cannot drift unseen."""
    document = json.loads(run(capsys, "search", "chip", "--kb", hostile, "--json")[1])
    hit = document["hits"][0]
    for broken in ({**hit, "extra": 1}, {k: v for k, v in hit.items() if k != "title_highlights"}):
        with pytest.raises(ValidationError):
            validator("search").validate({**document, "hits": [broken]})
    with pytest.raises(ValidationError):
        validator("search").validate({**document, "version": 2})


# -- errors as data -------------------------------------------------------------------------------

FAILURES: list[tuple[list[str], str, int]] = [
    (["show", "nonexistent"], "not-found", 1),
    (["show", "trainum"], "not-found", 1),
    (["compare", "trainium2", "nonexistent"], "not-found", 1),
    (["search", "AND ("], "query", 2),
    (["search", "x", "--type", "bogus"], "usage", 2),
    (["list", "--type", "bogus"], "usage", 2),
    (["list", "--no-such-option"], "usage", 2),
    (["show", "trainium2", "--format", "csv"], "usage", 2),
    (["rank", "bf16-dens"], "usage", 2),
    (["rank", "tdp", "--vendor", "amazn"], "usage", 2),
    (["timeline", "--family", "trainum"], "usage", 2),
    (["validate", "--kb", "/no/such/folder"], "usage", 2),
    (["compare", "trainium2", "trainium2"], "usage", 2),
]


@pytest.mark.parametrize("form", [["--json"], ["--format", "json"], ["--format", "jsonl"], ["--format=jsonl"]])
@pytest.mark.parametrize(("argv", "code", "exit_code"), FAILURES)
def test_a_failure_in_json_mode_is_one_error_object_on_stdout(
    argv: list[str], code: str, exit_code: int, form: list[str], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned, out, err = run(capsys, *argv, *form)
    assert (returned, err) == (exit_code, "")
    assert len(out.splitlines()) == 1
    error = json.loads(out)
    validator("error").validate(error)
    assert error["error"]["code"] == code and error["error"]["message"]


@pytest.mark.parametrize(("argv", "code", "exit_code"), FAILURES)
def test_a_failure_in_text_mode_is_one_line_on_stderr(
    argv: list[str], code: str, exit_code: int, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned, out, err = run(capsys, *argv)
    assert (returned, out) == (exit_code, "")
    assert len(err.splitlines()) == 1 and err.startswith("chipkb: ")


def test_a_word_json_is_no_request_for_json(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "json", "AND (")
    assert (code, out) == (2, "") and err.startswith("chipkb: error: ")


def test_the_hint_is_the_text_modes_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    error = json.loads(run(capsys, "show", "trainum", "--json")[1])["error"]
    assert error["hint"] is not None and error["hint"].startswith("did you mean 'trainium'")
    text = run(capsys, "show", "trainum")[2].strip()
    assert text == f"chipkb: {error['message']} ({error['hint']})"


# -- formats: which each command takes, CSV and TSV -----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--format", "yaml"],
        ["show", "aws", "--format", "markdown"],
        ["validate", "--csv"],
        ["list", "--json", "--format", "csv"],
        ["rank", "tdp", "--csv", "--json"],
        ["search", "x", "--format", "json", "--out", "note.md"],
    ],
)
def test_a_format_a_command_does_not_take_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    if "--json" in argv or "json" in argv:  # JSON was asked for: the error is JSON too
        assert err == "" and json.loads(out)["error"]["code"] == "usage"
    else:
        assert out == "" and err.startswith("chipkb: error: ")


def test_help_names_the_formats_each_command_takes(capsys: pytest.CaptureFixture[str]) -> None:
    for command, formats in (("show", "table (the entity as text), json, jsonl"), ("list", "csv, tsv, markdown")):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert formats in " ".join(capsys.readouterr().out.split())


def test_csv_and_tsv_read_back_to_the_real_text(hostile: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "list", "--kb", hostile, "--format", "csv")[1]
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    titles = {row["id"]: row["title"] for row in rows}
    assert titles["acme"] == VENDOR_NAME and titles["one"] == CHIP_NAME and titles["c1"] == STATEMENT
    assert json.loads(next(r for r in rows if r["id"] == "c1")["tags"]) == ["power"]  # a list is its JSON text
    out = run(capsys, "list", "--kb", hostile, "--format", "tsv")[1]
    lines = out.split("\n")
    assert lines[0].split("\t") == ["id", "type", "title", "vendor", "aliases", "tags", "path", "line"]
    acme = next(line.split("\t") for line in lines if line.startswith("acme\t"))
    assert acme[2] == VENDOR_NAME.replace("\t", "\\t")  # a tab inside a field is written \t


def test_csv_on_a_terminal_shows_controls_escaped(
    hostile: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    out = run(capsys, "list", "--kb", hostile, "--format", "csv")[1]
    assert "\x1b" not in out and "\u202e" not in out and visible("Acme\x1b[31m") in out


def test_piped_list_is_one_tab_separated_entity_a_line(hostile: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "list", "--kb", hostile)[1]
    lines = out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["acme", "vendor"],
        ["src", "source"],
        ["one", "chip"],
        ["two", "chip"],
        ["c1", "claim"],
    ]
    assert lines[2].split("\t")[2] == visible("One\x1b]0;title\x07 chip X\u202e")  # tab made a space, escaped


def test_list_sorts_and_limits(capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(run(capsys, "list", "--type", "chip", "--sort", "title", "--limit", "5", "--json")[1])
    titles = [e["title"] for e in document["entities"]]
    assert titles == sorted(titles, key=str.casefold) and len(titles) == 5
    assert document["total"] > 5 and document["count"] == 5
    every = json.loads(run(capsys, "list", "--type", "chip", "--sort", "title", "--json")[1])["entities"]
    assert [e["title"] for e in every][:5] == titles
    by_path = json.loads(run(capsys, "list", "--sort", "path", "--json")[1])["entities"]
    assert [(e["path"], e["line"]) for e in by_path] == sorted((e["path"], e["line"]) for e in by_path)


# -- the real text, the same in every command's JSON ----------------------------------------------


def test_json_carries_the_real_text_in_list_show_and_compare(hostile: str, capsys: pytest.CaptureFixture[str]) -> None:
    real = {"acme": VENDOR_NAME, "one": CHIP_NAME, "c1": STATEMENT}
    listed = json.loads(run(capsys, "list", "--kb", hostile, "--json")[1])["entities"]
    assert {e["id"]: e["title"] for e in listed if e["id"] in real} == real
    shown = {i: json.loads(run(capsys, "show", i, "--kb", hostile, "--json")[1]) for i in real}
    assert {"acme": shown["acme"]["name"], "one": shown["one"]["name"], "c1": shown["c1"]["statement"]} == real
    compared = json.loads(run(capsys, "compare", "one", "two", "--kb", hostile, "--json")[1])
    assert compared["chips"][0]["title"] == CHIP_NAME and compared["chips"][0]["vendor_name"] == VENDOR_NAME
    assert [c["statement"] for c in compared["claims"]] == [STATEMENT]
    assert json.loads(run(capsys, "list", "--kb", hostile, "--format", "jsonl")[1].splitlines()[0])["title"] == (
        VENDOR_NAME
    )


def test_search_json_carries_the_same_real_titles(hostile: str, capsys: pytest.CaptureFixture[str]) -> None:
    hits = json.loads(run(capsys, "search", "chip", "--kb", hostile, "--json")[1])["hits"]
    found = {hit["id"]: hit for hit in hits}
    assert (found["one"]["title"], found["c1"]["title"]) == (CHIP_NAME, STATEMENT)
    for hit in hits:  # each title offset marks the query's word in the real title
        assert all(hit["title"][start:end].lower() == "chip" for start, end in hit["title_highlights"]), hit


def test_search_json_gives_the_offsets_of_every_match(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(run(capsys, "search", "Trn2", "--limit", "5", "--json")[1])
    hits = {hit["id"]: hit for hit in document["hits"]}
    for hit in hits.values():
        for text, spans in [(hit["title"], hit["title_highlights"]), (hit["snippet"], hit["highlights"])]:
            assert all(text[s:e].casefold() in ("trn2", "trainium2") for s, e in spans), (hit["id"], text, spans)
        for matched in hit["matched"]:
            assert all(matched["text"][s:e].casefold() == "trn2" for s, e in matched["highlights"])
    trainium2 = hits["trainium2"]
    assert any(m["field"] == "alias" and m["highlights"] for m in trainium2["matched"])  # matched by its alias
    titled = json.loads(run(capsys, "search", "Graviton4", "--limit", "1", "--json")[1])["hits"][0]
    assert [titled["title"][s:e] for s, e in titled["title_highlights"]] == ["Graviton4"]


# -- the page ---------------------------------------------------------------------------------------

EXAMPLE_SCHEMAS = {name: name.split("-")[0] for name in EXAMPLES}


def test_the_page_is_up_to_date(cache: Path) -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python -m devtools.outputs_doc --write"


@pytest.mark.parametrize("name", sorted(n for n in EXAMPLES if not n.endswith("-csv")))
def test_each_example_of_the_page_matches_its_schema(name: str, cache: Path) -> None:
    out = example_output(name)
    schema = EXAMPLE_SCHEMAS[name]
    if "jsonl" in EXAMPLES[name][0]:
        assert check_output(schema, "jsonl", out)
    else:
        assert check_output(schema, "json", out)


def test_a_capped_search_says_which_limit_applied_in_its_schema(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`a*` stands for more words than a wildcard may (kb.search.engine): JSON names the cap."""
    code, out, err = run(capsys, "search", "a*", "--limit", "2", "--json")
    assert code == 0
    document = check_output("search", "json", out)[0]
    assert document["limits"] == [line.removeprefix("chipkb: note: ") for line in err.splitlines()]
    assert document["limits"] and "a*" in document["limits"][0]
