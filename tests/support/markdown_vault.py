"""Shared by the notes and export tests: small KBs (one plain, one hostile) and ways to read notes
back the way note tools do (front matter, markdown-it tokens, wikilinks, footnotes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from kb.store.knowledge import KnowledgeBase, load_kb
from tests.support.kb_files import write_kb

# The chips, sources and numbers are made up for the tests; they are not facts about real chips.
PLAIN_FILES = {
    "kb.yaml": """\
vendors:
  - id: acme
    name: Acme
    aliases: [ACME Corp]
    kind: chip-designer
    country: Nowhere
    summary: Acme designs test chips.
  - id: fab
    name: Fab
    kind: foundry
sources:
  - id: acme-datasheet
    title: Acme datasheet
    publisher: Acme
    url: https://example.com/acme
    published: 2024-05-01
    language: en
    kind: primary
    text: "The Alpha does 400 TFLOPS. The Beta draws 500 W."
  - id: review
    title: A review
    published: 2024-06
    language: en
    text: "We measured the Alpha at 96 GiB. The Alpha is not that fast."
chips:
  - id: alpha
    name: Alpha
    aliases: [A1]
    vendor: acme
    foundry: fab
    kind: accelerator
    announced: 2024-05
    sources: [acme-datasheet]
    specs:
      - {name: bf16-dense, value: 400, unit: TFLOPS, source: acme-datasheet}
      - {name: hbm-capacity, value: 96, unit: GB, source: acme-datasheet}
      - {name: hbm-capacity, value: 96, unit: GiB, source: review, note: measured}
      - {name: tdp, value: 400, unit: W, source: acme-datasheet}
  - id: beta
    name: Beta
    vendor: acme
    kind: accelerator
    specs:
      - {name: tdp, value: 0.5, unit: kW, source: acme-datasheet}
      - {name: bf16-dense, value: 1.5, unit: PFLOPS, source: acme-datasheet}
      - {name: hbm-capacity, unit: GB, source: acme-datasheet, status: not-disclosed}
claims:
  - id: alpha-fast
    statement: The Alpha does 400 TFLOPS.
    subjects: [alpha, acme]
    source: acme-datasheet
    excerpt: The Alpha does 400 TFLOPS.
    kind: vendor-claim
    tags: [performance]
  - id: alpha-slow
    statement: A review finds the Alpha not that fast.
    subjects: [alpha]
    source: review
    excerpt: The Alpha is not that fast.
    kind: analysis
    contradicts: [{claim: alpha-fast, reason: "The review measured less than the datasheet's 400 TFLOPS."}]
  - id: alpha-memory
    statement: A review measured 96 GiB on the Alpha.
    subjects: [alpha]
    source: review
    excerpt: We measured the Alpha at 96 GiB.
    kind: fact
  - id: beta-power
    statement: The Beta draws 500 W.
    subjects: [beta]
    source: acme-datasheet
    excerpt: The Beta draws 500 W.
    kind: vendor-claim
    supports: [{claim: alpha-fast, reason: "The same datasheet states both figures."}]
""",
}

ESC = "\x1b"
#: Text that tries to break out of every place KB text lands in a note.
HOSTILE_TITLE = f"Evil | name ]] [[x]] [bold red]x[/] {ESC}[31mred\nsecond line --- `code` $x$ %%c%% ==h=="
HOSTILE_EXCERPT = "The excerpt with ]] and | pipes and [red]markup[/red] stays put."
HOSTILE_TEXT = (
    "---\ntitle: fake front matter\n---\n# Not a heading\n| a | b |\n| --- | --- |\n```\n"
    f"{HOSTILE_EXCERPT}\n"
    f"<script>alert(1)</script> &amp; [[chips/nowhere]] [^9] {ESC}]0;title\a\r\n- not a list\n1. not ordered\n"
    "    not code\n===\n"
)


def hostile_files() -> dict[str, str]:
    """A KB whose every text field is hostile; written with yaml.safe_dump so it loads as meant."""
    data = {
        "vendors": [
            {
                "id": "acme",
                "name": HOSTILE_TITLE,
                "aliases": ["[[chips/alpha]]", "a\nb"],
                "kind": "chip-designer",
                "summary": HOSTILE_TEXT,
                "strategy": ["- dash", "1. one", "#tag"],
            }
        ],
        "sources": [
            {
                "id": "src",
                "title": HOSTILE_TITLE,
                "publisher": f"Pub{ESC}[2J",
                "url": "https://example.com/a_b?x=1&y=2#frag",
                "published": "2024-05-01",
                "language": "en",
                "text": HOSTILE_TEXT,
            },
            {"id": "bad-url", "title": "---", "url": "javascript:alert(1) <x>|y", "language": "en", "text": "x"},
        ],
        "chips": [
            {
                "id": "alpha",
                "name": HOSTILE_TITLE,
                "aliases": ["---", "..."],
                "vendor": "acme",
                "kind": "gpu",
                "family": "| fam |",
                "specs": [
                    {"name": "bf16-dense", "value": 100, "unit": "TFLOPS", "source": "src", "note": "a | b\nc ]]"},
                    {"name": "tdp", "value": 200, "unit": "W", "source": "bad-url"},
                ],
            },
            {
                "id": "beta",
                "name": "[bold]Beta[/bold]",
                "vendor": "acme",
                "kind": "gpu",
                "specs": [{"name": "bf16-dense", "value": 50, "unit": "TFLOPS", "source": "src"}],
            },
        ],
        "claims": [
            {
                "id": "c1",
                "statement": HOSTILE_TITLE,
                "subjects": ["alpha", "acme"],
                "source": "src",
                "excerpt": HOSTILE_EXCERPT,
                "kind": "fact",
                "tags": ["a tag | with ]]"],
            }
        ],
    }
    return {"kb.yaml": yaml.safe_dump(data, allow_unicode=True)}


def plain_kb(root: Path) -> KnowledgeBase:
    kb = load_kb(write_kb(root, PLAIN_FILES))
    assert kb.errors == []
    return kb


def hostile_kb(root: Path) -> KnowledgeBase:
    kb = load_kb(write_kb(root, hostile_files()))
    assert sorted(kb.entities) == ["acme", "alpha", "bad-url", "beta", "c1", "src"]
    return kb


MARKDOWN = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin)
WIKILINK = re.compile(r"\[\[([^\[\]|\\]*)(?:\\?\|([^\[\]]*))?\]\]")
FOOTNOTE_REF = re.compile(r"\[\^(\d+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^\[\^(\d+)\]: ", re.MULTILINE)


def resolve(notes: Iterable[str], target: str) -> str | None:
    """The note (vault path) a wikilink target names, as Obsidian resolves it: a path when it has
    a folder, else the one note with that file name; None when none, or more than one, has it."""
    notes = list(notes)
    if "/" in target:
        return f"{target}.md" if f"{target}.md" in notes else None
    named = [n for n in notes if n.rsplit("/", 1)[-1] == f"{target}.md"]
    return named[0] if len(named) == 1 else None


def split_note(text: str) -> tuple[dict, str]:
    """The front matter (read with yaml.safe_load) and the body of a note."""
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    front = yaml.safe_load(text[4 : end + 1])
    assert isinstance(front, dict)
    return front, text[end + 5 :]


def tokens(text: str) -> list[Token]:
    return MARKDOWN.parse(text)


def plain(token: Token) -> str:
    """The text an inline token shows, markup removed."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def tables(text: str) -> list[list[list[str]]]:
    """Every table of a note as rows of cell texts (the header row first), as markdown-it reads it."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    in_cell = False
    for token in tokens(text):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            row.append(plain(token).strip())
        elif token.type == "tr_close":
            found[-1].append(row)
    return found


def raw_cell_counts(text: str) -> list[set[int]]:
    """For each table in the raw text, the set of cell counts of its lines (unescaped pipes - 1).

    markdown-it pads or cuts rows to the header's width, so a stray `|` would not show in its
    tokens; counting the pipes in the source does show it."""
    counts: list[set[int]] = []
    previous_was_row = False
    for line in text.split("\n"):
        is_row = line.startswith("| ") and line.endswith(" |")
        if is_row:
            pipes, escaped = 0, False
            for char in line:
                if char == "|" and not escaped:
                    pipes += 1
                escaped = char == "\\" and not escaped
            if not previous_was_row:
                counts.append(set())
            counts[-1].add(pipes - 1)
        previous_was_row = is_row
    return counts


def check_note(text: str) -> dict:
    """What a note tool needs of a note, asserted; returns the front matter."""
    front, body = split_note(text)
    for key in ("id", "type", "title", "aliases", "tags"):
        assert key in front, key
    parsed = tokens(text)
    assert parsed[0].type == "front_matter"
    assert yaml.safe_load(parsed[0].content) == front
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    for cells in raw_cell_counts(body):
        assert len(cells) == 1, cells
    assert set(FOOTNOTE_REF.findall(body)) == set(FOOTNOTE_DEF.findall(body))
    return front
