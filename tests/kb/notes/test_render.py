"""Notes as markdown: front matter, wikilinks, spec tables with footnoted sources, claims, sources,
comparisons, search results; and KB text that tries to break out of each of them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.notes.markdown import block, clean, inline, one_line
from kb.notes.render import (
    comparison_name,
    comparison_note,
    comparison_path,
    entity_note,
    index_note,
    note_path,
    results_note,
)
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Location, Source, Spec, Vendor
from kb.views.compare import compare
from tests.support.markdown_vault import (
    ESC,
    HOSTILE_EXCERPT,
    HOSTILE_TITLE,
    WIKILINK,
    check_note,
    hostile_kb,
    plain,
    plain_kb,
    split_note,
    tables,
    tokens,
)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return plain_kb(tmp_path / "kb")


@pytest.fixture
def evil(tmp_path: Path) -> KnowledgeBase:
    return hostile_kb(tmp_path / "evil")


def _rendered(text: str, token_type: str) -> list[str]:
    """The shown text of every inline token right after a `token_type` opening token."""
    found, parsed = [], tokens(text)
    for before, token in itertools.pairwise(parsed):
        if before.type == token_type and token.type == "inline":
            found.append(plain(token))
    return found


def test_note_paths(kb) -> None:
    assert [note_path(kb.get(i)) for i in ("acme", "alpha", "alpha-fast", "review")] == [
        "vendors/acme.md",
        "chips/alpha.md",
        "claims/alpha-fast.md",
        "sources/review.md",
    ]


def test_a_note_path_is_never_made_from_an_id_that_is_not_a_slug() -> None:
    chip = Chip(id="../../etc/passwd", location=Location("x", 1, 1), name="x", vendor="v", kind="gpu")
    with pytest.raises(ValueError, match="not a slug"):
        note_path(chip)


def test_front_matter_per_type(kb) -> None:
    assert check_note(entity_note(kb, kb.get("alpha"))) == {
        "id": "alpha",
        "type": "chip",
        "title": "Alpha",
        "aliases": ["A1"],
        "tags": ["chipkb/chip"],
        "vendor": "acme",
        "kind": "accelerator",
        "date": "2024-05",
    }
    assert check_note(entity_note(kb, kb.get("acme"))) == {
        "id": "acme",
        "type": "vendor",
        "title": "Acme",
        "aliases": ["ACME Corp"],
        "tags": ["chipkb/vendor"],
        "kind": "chip-designer",
        "country": "Nowhere",
    }
    assert check_note(entity_note(kb, kb.get("acme-datasheet"))) == {
        "id": "acme-datasheet",
        "type": "source",
        "title": "Acme datasheet",
        "aliases": [],
        "tags": ["chipkb/source"],
        "kind": "primary",
        "url": "https://example.com/acme",
        "date": "2024-05-01",
        "publisher": "Acme",
        "language": "en",
    }
    assert check_note(entity_note(kb, kb.get("alpha-fast"))) == {
        "id": "alpha-fast",
        "type": "claim",
        "title": "The Alpha does 400 TFLOPS.",
        "aliases": [],
        "tags": ["chipkb/claim", "performance"],
        "kind": "vendor-claim",
        "date": "2024-05-01",
        "url": "https://example.com/acme",
        "source": "acme-datasheet",
        "subjects": ["alpha", "acme"],
        "status": "contested",
    }


def test_chip_spec_table_has_units_footnoted_sources_disputes_and_not_disclosed(kb) -> None:
    note = entity_note(kb, kb.get("alpha"))
    [table] = tables(note)
    assert table == [
        ["Figure", "Value", "Unit", "Source", "Note"],
        ["BF16 dense", "400", "TFLOPS", "", ""],
        ["HBM capacity", "96", "GB", "", "sources disagree"],
        ["HBM capacity", "96", "GiB", "", "sources disagree; measured"],
        ["TDP", "400", "W", "", ""],
    ]
    # The Source column holds footnote references (not text); one footnote per source, in order.
    assert "| BF16 dense | 400 | TFLOPS | [^1] |" in note
    assert "| HBM capacity | 96 | GiB | [^2] |" in note
    assert "[^1]: [[acme-datasheet|Acme datasheet]], Acme, 2024-05-01, <https://example.com/acme>" in note
    assert "[^2]: [[review|A review]], 2024-06\n" in note
    beta = entity_note(kb, kb.get("beta"))
    assert ["HBM capacity", "not disclosed", "GB", "", ""] in tables(beta)[0]


def test_chip_note_links_vendor_foundry_claims_and_sources(kb) -> None:
    note = entity_note(kb, kb.get("alpha"))
    links = WIKILINK.findall(note)
    assert ("acme", "Acme") in links
    assert ("fab", "Fab") in links
    assert [t for t, _ in links if t.startswith("alpha-")] == [
        "alpha-fast",
        "alpha-memory",
        "alpha-slow",
    ]
    # the review contradicts the datasheet; nothing contradicts the review, so it is not contested
    assert "- [[alpha-slow|A review finds the Alpha not that fast.]] (analysis, unverified)" in note


def test_claim_note_quotes_the_excerpt_and_links_related_claims(kb) -> None:
    note = entity_note(kb, kb.get("alpha-fast"))
    # links other claims make to it, each with its reason; it makes none itself
    assert _rendered(note, "heading_open") == ["The Alpha does 400 TFLOPS.", "Supported by", "Contradicted by"]
    assert _rendered(note, "paragraph_open")[0] == "The Alpha does 400 TFLOPS."  # the blockquote
    assert "> The Alpha does 400 TFLOPS.\n" in note
    assert "Source: [[acme-datasheet|Acme datasheet]], Acme, 2024-05-01, <https://example.com/acme>" in note
    assert "- Status: contested" in note
    assert "## Supported by\n\n- [[beta-power|The Beta draws 500 W.]]: The same datasheet states both figures." in note
    assert (
        "## Contradicted by\n\n- [[alpha-slow|A review finds the Alpha not that fast.]]: The review measured"
        " less than the datasheet's 400 TFLOPS." in note
    )
    slow = entity_note(kb, kb.get("alpha-slow"))  # the link as written, on the claim that makes it
    assert _rendered(slow, "heading_open") == ["A review finds the Alpha not that fast.", "Contradicts"]
    assert "- Status: unverified" in slow


def test_source_note_has_its_text_and_the_claims_quoting_it(kb) -> None:
    note = entity_note(kb, kb.get("review"))
    assert [t for t, _ in WIKILINK.findall(note)] == ["alpha-memory", "alpha-slow"]
    assert note.endswith("## Text\n\nWe measured the Alpha at 96 GiB. The Alpha is not that fast.\n")


def test_vendor_note_lists_chips_and_claims(kb) -> None:
    note = entity_note(kb, kb.get("acme"))
    assert [t for t, _ in WIKILINK.findall(note)] == ["alpha", "beta", "alpha-fast"]
    assert "Acme designs test chips." in note


def test_index_links_each_entity_by_type(kb) -> None:
    note = index_note(kb, [kb.get("beta"), kb.get("acme"), kb.get("alpha")])
    assert check_note(note)["type"] == "index"
    assert [t for t, _ in WIKILINK.findall(note)] == ["acme", "alpha", "beta"]
    assert "## Chips (2)" in note and "## Claims (0)" not in note


def test_comparison_note_has_the_table_of_compare(kb) -> None:
    comparison = compare(kb, ["alpha", "beta"])
    note = comparison_note(kb, comparison)
    front = check_note(note)
    assert (front["id"], front["type"], front["chips"]) == ("alpha-vs-beta", "comparison", ["alpha", "beta"])
    [table] = tables(note)
    assert table == [
        ["Figure", "Unit", "[[alpha|Alpha]]", "[[beta|Beta]]"],
        ["BF16 dense", "TFLOPS", "400", "1500"],
        ["HBM capacity", "GB", "96 (disputed)", "not disclosed"],
        ["TDP", "W", "400", "500"],
        ["BF16 dense TFLOPS per watt (derived)", "TFLOPS/W", "1", "3"],
    ]
    assert len(table) - 1 == len(comparison.rows)
    # Best values in bold, each figure footnoted with its sources.
    assert "| BF16 dense | TFLOPS | 400 [^1] | **1500** [^1] |" in note
    assert "| HBM capacity | GB | 96 (disputed) [^1] [^2] | not disclosed [^1] |" in note
    assert "| TDP | W | 400 [^1] | 500 [^1] |" in note  # power is a design choice: no best
    assert "- [[alpha|Alpha]], HBM capacity: 96 GB per [[acme-datasheet|Acme datasheet]]; " in note
    assert "## Claims about [[beta|Beta]]\n\n- [[beta-power|The Beta draws 500 W.]]" in note


def test_comparison_names_and_paths() -> None:
    assert comparison_path(["alpha", "beta"]) == "comparisons/alpha-vs-beta.md"
    long_name = comparison_name([f"chip-{n:03d}-with-a-long-name" for n in range(10)])
    assert len(long_name) <= 113 and long_name.startswith("chip-000-with-a-long-name-vs-")
    with pytest.raises(ValueError, match="not a slug"):
        comparison_path(["alpha", "../x"])


def test_results_note_lists_hits_with_links() -> None:
    note = results_note(
        "trainium [bold]x[/]",
        [("alpha", "chip", "Alpha | A", "fast\nchip"), ("../x", "chip", "Bad", ""), ("q", "nonsense", "Q", "s")],
    )
    front = check_note(note)
    assert (front["type"], front["query"]) == ("search", "trainium [bold]x[/]")
    assert _rendered(note, "heading_open") == ["Search: trainium [bold]x[/]"]
    assert WIKILINK.findall(note) == [("alpha", "Alpha ｜ A")]
    assert "1. [[alpha|Alpha ｜ A]] (chip) — fast chip" in note
    assert "2. Bad (chip)" in note
    assert "No results." in results_note("x", [])


# --- hostile text -----------------------------------------------------------------------------------

ONE_LINE_TITLE = " ".join(HOSTILE_TITLE.replace(ESC, "").split())


@pytest.mark.parametrize("entity_id", ["acme", "alpha", "beta", "src", "bad-url", "c1"])
def test_hostile_text_keeps_every_note_whole(evil, entity_id: str) -> None:
    note = entity_note(evil, evil.get(entity_id))
    front = check_note(note)
    assert front["id"] == entity_id
    assert ESC not in note and "\r" not in note and "\a" not in note
    # The only headings are the ones chipkb writes; KB text never makes one.
    for heading in [t for t in tokens(note) if t.type == "heading_open"]:
        assert heading.tag in ("h1", "h2")
    assert not [t for t in tokens(note) if t.type in ("fence", "code_block", "html_block", "hr")]
    for target, _label in WIKILINK.findall(split_note(note)[1]):
        assert target in {"acme", "alpha", "beta", "src", "bad-url", "c1"}


def test_hostile_title_shows_literally(evil) -> None:
    note = entity_note(evil, evil.get("alpha"))
    front, _ = split_note(note)
    assert front["title"] == ONE_LINE_TITLE
    assert front["aliases"] == ["---", "..."]
    assert _rendered(note, "heading_open")[0] == ONE_LINE_TITLE


def test_hostile_text_in_a_table_stays_in_its_cell(evil) -> None:
    note = entity_note(evil, evil.get("alpha"))
    [table] = tables(note)
    assert table[1] == ["BF16 dense", "100", "TFLOPS", "", "a | b c ]]"]
    comparison = comparison_note(evil, compare(evil, ["alpha", "beta"]))
    [table] = tables(comparison)
    assert [len(r) for r in table] == [4] * 4
    assert table[0][2].startswith("[[alpha|Evil ｜ name ］］ ［［x］］ ［bold red］x［/］")


def test_hostile_excerpt_and_source_text_render_verbatim(evil) -> None:
    claim = entity_note(evil, evil.get("c1"))
    assert HOSTILE_EXCERPT in _rendered(claim, "paragraph_open")
    source = entity_note(evil, evil.get("src"))
    text = _rendered(source, "paragraph_open")[-1]
    assert text.startswith("---\ntitle: fake front matter\n---\n# Not a heading\n| a | b |\n")
    assert "<script>alert(1)</script> &amp; [[chips/nowhere]] [^9] ]0;title\n- not a list\n1. not ordered\n" in text
    assert text.endswith("not code\n===")


def test_a_url_that_is_not_one_is_shown_as_text(evil) -> None:
    note = entity_note(evil, evil.get("alpha"))
    assert "[^2]: [[bad-url|---]], javascript:alert(1) \\<x\\>\\|y" in note
    assert "<https://example.com/a_b?x=1&y=2#frag>" in note


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("# h", "\\# h"),
        ("a|b", "a\\|b"),
        ("$5 and 10%", "\\$5 and 10\\%"),
        ("a\nb\tc", "a b c"),
        ("x\x00y\x9bz", "xyz"),
    ],
)
def test_inline_escaping(text: str, escaped: str) -> None:
    assert inline(text) == escaped


def test_block_keeps_paragraphs_and_drops_indentation() -> None:
    assert block("  first\r\n    second\n\n\n\n- third\n\n") == "first\nsecond\n\n\\- third"


# --- any text at all -----------------------------------------------------------------------------------

_PIECES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=5),
    st.sampled_from([*"\\`*_[]<>|#~=$%&^-+.!():\n\r\t\x1b\x00\x85\u2028 ", "---", "```", "1.", "[[", "]]", "&amp;"]),
)
ANY_TEXT = st.lists(_PIECES, max_size=20).map("".join)


def _paragraphs(text: str) -> list[str]:
    """What a blockquote of `text` should show: its non-blank lines, trimmed, in paragraphs."""
    found: list[str] = []
    lines: list[str] = []
    for line in [*clean(text).splitlines(), ""]:
        if line.strip():
            lines.append(line.strip())
        elif lines:
            found.append("\n".join(lines))
            lines = []
    return found


@settings(max_examples=100, deadline=None)
@given(title=ANY_TEXT, passage=ANY_TEXT)
def test_any_text_shows_literally_and_keeps_the_note_whole(title: str, passage: str) -> None:
    where = Location("kb.yaml", 1, 1)
    entities = [
        Vendor(id="v", location=where, name=title, aliases=[title], kind="other", summary=passage),
        Source(id="s", location=where, title=title, language="en", text=passage),
        Chip(
            id="c",
            location=where,
            name=title,
            vendor="v",
            kind="gpu",
            specs=[Spec("tdp", "W", "s", 1.0, note=title)],
        ),
        Claim(id="q", location=where, statement=title, subjects=["c"], source="s", excerpt=passage, kind="fact"),
    ]
    kb = KnowledgeBase(root=Path("kb"), entities={e.id: e for e in entities})
    for entity in entities:
        note = entity_note(kb, entity)
        assert check_note(note)["title"] == one_line(title)
        assert _rendered(note, "heading_open")[0] == one_line(title)
    assert tables(entity_note(kb, entities[2]))[0][1] == ["TDP", "1", "W", "", one_line(title)]
    claim = entity_note(kb, entities[3])
    quoted, depth = [], 0
    for before, token in itertools.pairwise(tokens(claim)):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(before.type, 0)
        if depth and before.type == "paragraph_open":
            quoted.append(plain(token))
    assert quoted == _paragraphs(passage)
