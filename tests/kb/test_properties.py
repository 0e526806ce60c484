"""Property tests: generated valid KBs load exactly, and no damage to them makes loading raise.

A short run is part of the suite. A long fuzz run:
    CHIPKB_FUZZ_EXAMPLES=5000 python -m pytest tests/kb/test_properties.py -q
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.store.knowledge import load_kb
from tests.support.kb_strategies import GeneratedKB, mutated, valid_kbs

EXAMPLES = int(os.environ.get("CHIPKB_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _write(files: dict[str, str], root: Path) -> Path:
    for name, content in files.items():
        (root / name).write_bytes(content.encode("utf-8", "surrogatepass"))
    return root


@FUZZ
@given(valid_kbs())
def test_a_valid_kb_loads_every_entity_with_no_errors(generated: GeneratedKB) -> None:
    with tempfile.TemporaryDirectory() as folder:
        kb = load_kb(_write(generated.files, Path(folder)))
    assert [str(p) for p in kb.errors] == []
    assert set(kb.entities) == set(generated.entities)
    for entity_id, written in generated.entities.items():
        loaded = kb.entities[entity_id]
        assert loaded.title == written.get("name", written.get("title", written.get("statement")))


_TEXT = st.text(alphabet="ab 推論。\n\t\u3000.", min_size=1, max_size=60).filter(str.strip)


@FUZZ
@given(text=_TEXT, data=st.data())
def test_an_excerpt_is_accepted_exactly_when_its_words_stand_in_the_source_in_that_order(
    text: str, data: st.DataObject
) -> None:
    """The validator's verbatim check against an oracle of its own: the excerpt's words, joined by
    single spaces, inside the source's words joined the same way (str.split, not the validator's
    normaliser).  Half the excerpts are cut from the text (any whitespace re-spaced), half carry a
    character the text never holds, so a check that accepted everything, or nothing, fails here."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    excerpt = text[start:end]
    if data.draw(st.booleans()):  # the same words with other whitespace between them
        excerpt = data.draw(st.sampled_from([" ", "\n", "  \t"])).join(excerpt.split())
    if data.draw(st.booleans()):  # a character the source does not hold
        at = data.draw(st.integers(0, len(excerpt)))
        excerpt = excerpt[:at] + "\u2603" + excerpt[at:]
    source = {"id": "src", "title": "Source", "language": "ja", "text": text}
    claim = {"id": "c", "statement": "S.", "subjects": ["v"], "source": "src", "excerpt": excerpt, "kind": "fact"}
    vendor = {"id": "v", "name": "V", "kind": "other"}
    body = yaml.safe_dump({"vendors": [vendor], "sources": [source], "claims": [claim]}, allow_unicode=True)
    with tempfile.TemporaryDirectory() as folder:
        kb = load_kb(_write({"kb.yaml": body}, Path(folder)))
    reported = [p.message for p in kb.problems if "verbatim" in p.message or "is empty" in p.message]
    words = " ".join(excerpt.split())
    if not words:
        assert reported == ["field 'excerpt' is empty: a claim needs it"]
    elif words in " ".join(text.split()):
        assert reported == []
    else:
        assert reported == ["excerpt not found verbatim in the text of source 'src'"]


@FUZZ
@given(st.data())
def test_damage_never_makes_loading_raise(data: st.DataObject) -> None:
    generated = data.draw(valid_kbs())
    files, damaged = data.draw(mutated(generated))
    with tempfile.TemporaryDirectory() as folder:
        root = _write(files, Path(folder))
        kb = load_kb(root)
        paths = {str(root / name) for name in files}
    for problem in kb.problems:
        assert problem.path in paths
        assert problem.line >= 1 and problem.col >= 1
        assert "\n" not in problem.message
    # Files are read in name order and a duplicate id keeps its first definition, so every entity
    # of a file before the damaged one must survive the damage untouched.
    for name in sorted(files):
        if name >= damaged:
            break
        for ids in yaml.safe_load(files[name]).values():
            for entity in ids:
                assert entity["id"] in kb.entities


SLOW = settings(FUZZ, max_examples=max(5, EXAMPLES // 4))


@SLOW
@given(valid_kbs())
def test_every_valid_entity_is_indexed_and_findable_by_its_id(generated: GeneratedKB) -> None:
    from kb.search.engine import SearchEngine

    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as cache:
        os.environ["CHIPKB_CACHE_DIR"] = cache  # the autouse fixture restores it after the test
        root = _write(generated.files, Path(folder))
        engine = SearchEngine.open(root)
        try:
            for entity_id, written in generated.entities.items():
                results = engine.search(f"id:{entity_id}", limit=50)
                assert entity_id in [hit.id for hit in results.hits], (entity_id, written)
        finally:
            engine.close()


@SLOW
@given(valid_kbs())
def test_export_round_trips_ids_and_titles(generated: GeneratedKB) -> None:
    from kb.notes.export import export_notes
    from kb.notes.markdown import one_line
    from kb.notes.render import note_path

    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as vault:
        kb = load_kb(_write(generated.files, Path(folder)))
        export_notes(kb, Path(vault))
        for entity in kb.entities.values():
            note = (Path(vault) / note_path(entity)).read_text(encoding="utf-8")
            front = yaml.safe_load(note.split("---\n")[1])
            assert front["id"] == entity.id
            assert front["title"] == one_line(entity.title)  # one line, control characters left out
