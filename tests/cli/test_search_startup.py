"""What keeps `chipkb search` quick to start: the modules it does not import, the user cache folder
found without platformdirs on Linux (and found where platformdirs finds it), the collector left
as it was, and the shortcuts of tokenizing and highlighting."""

from __future__ import annotations

import gc
import json
import os
import string
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.cli.main import main
from kb.locations import APP_NAME, cache_folder
from kb.search.analysis import raw_tokens, stem_word
from kb.search.engine import Hit, SearchEngine
from tests.support.paths import REPO
from tests.support.search_kb import make_kb

MODULES_AFTER_SEARCH = """
import json, sys
from kb.cli.main import main
from kb.search.engine import Hit, SearchEngine
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

#: Imported by none of whoosh's searching code; chipkb search used to import them (~25 ms).
SLOW_TO_IMPORT = {"pathlib", "platformdirs", "dataclasses", "inspect", "urllib.parse"}


@pytest.mark.parametrize("query", ["推論", "推論に特化したチップ AWS"])
def test_searching_a_fresh_index_in_the_user_cache_imports_no_module_whoosh_does_not_need(
    tmp_path: Path, query: str
) -> None:
    kb_root = make_kb(tmp_path / "kb")
    env = {key: value for key, value in os.environ.items() if key != "CHIPKB_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    command = [sys.executable, "-c", MODULES_AFTER_SEARCH, "search", "--kb", str(kb_root), query]
    first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert json.loads(first.stderr.splitlines()[-1])["code"] == 0  # built the index
    assert list((tmp_path / "xdg" / APP_NAME / "indexes").iterdir())
    fresh = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    report = json.loads(fresh.stderr.splitlines()[-1])
    assert report["code"] == 0 and ("c-vertical" in fresh.stdout or "c-inference-cost" in fresh.stdout)
    assert SLOW_TO_IMPORT & set(report["modules"]) == set()
    assert not {"textual", "kb.store.figures", "kb.search.figure_filter"} & set(report["modules"])


@pytest.mark.parametrize(
    ("xdg_cache_home", "home"),
    [
        ("/somewhere/cache", "/home/someone"),
        ("/somewhere/cache/", "/home/someone"),
        ("relative/cache", "/home/someone"),
        (None, "/home/someone"),
        (None, "/home/someone/"),
        ("", "/"),
        (None, "//"),
    ],
)
def test_the_cache_folder_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, xdg_cache_home: str | None, home: str
) -> None:
    monkeypatch.delenv("CHIPKB_CACHE_DIR")
    monkeypatch.setenv("HOME", home)
    if xdg_cache_home is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg_cache_home)
    assert cache_folder() == platformdirs.user_cache_dir(APP_NAME, appauthor=False)


def test_a_search_leaves_the_garbage_collector_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb_root = make_kb(tmp_path / "kb")
    before = gc.get_threshold()
    assert main(["search", "--kb", str(kb_root), "推論"]) == 0
    assert "c-vertical" in capsys.readouterr().out
    assert gc.get_threshold() == before


@given(st.text(alphabet=string.ascii_letters, min_size=1, max_size=20))
def test_a_stem_starts_with_the_first_letter_of_its_word(word: str) -> None:
    # kb.search.engine highlights only the words whose first letter starts some stemmed query term.
    assert stem_word(word.lower())[0] == word.lower()[0]


@given(st.text(alphabet=string.printable, max_size=60), st.booleans(), st.sampled_from(["none", "last", "all"]))
def test_ascii_text_is_tokenized_as_any_other_text(text: str, stem: bool, unigrams: str) -> None:
    # raw_tokens takes a shortcut for ASCII text; after a non-ASCII word it cannot, and must agree.
    shortcut = list(raw_tokens(text, stem=stem, unigrams=unigrams))
    general = list(raw_tokens("é " + text, stem=stem, unigrams=unigrams))
    assert general[0] == ("é", 0, 0, 1, True)
    assert [(term, pos - 1, start - 2, end - 2, word) for term, pos, start, end, word in general[1:]] == shortcut


@pytest.mark.parametrize("query", ["推論", "inference", '"inference cost"', "vendor:gpu-maker", "trainum~", "MI300X"])
def test_an_engine_that_searches_once_finds_what_a_mapped_one_finds(tmp_path: Path, query: str) -> None:
    kb_root = make_kb(tmp_path / "kb")
    mapped = SearchEngine.open(kb_root)
    once = SearchEngine.open(kb_root, searches_once=True)
    try:
        expected, found = mapped.search(query), once.search(query)
    finally:
        mapped.close()
        once.close()
    assert expected.hits or expected.suggestions
    assert (found.total, found.unmatched_terms, found.suggestions) == (
        expected.total,
        expected.unmatched_terms,
        expected.suggestions,
    )
    assert [_shown(hit) for hit in found.hits] == [_shown(hit) for hit in expected.hits]


def _shown(hit: Hit) -> tuple[object, ...]:
    return (hit.id, hit.passage, hit.score, hit.title, hit.snippet, hit.highlights, hit.title_highlights)
