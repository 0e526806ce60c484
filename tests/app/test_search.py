"""Search as you type: results replace the tree, run in a worker, debounced; Enter opens, Escape clears."""

from __future__ import annotations

import threading
import unicodedata

import pytest
from rich.text import Text
from textual import events

from tests.support.pilot import settle
from tui.screens.main import MainScreen, SearchBox
from tui.widgets.entity_view import EntityView
from tui.widgets.kb_tree import KBTree
from tui.widgets.results import MATCH, SearchResults


class RecordingEngine:
    """The real engine, recording each query and the thread it ran on."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.calls: list[tuple[str, str]] = []

    def search(self, query, **options):
        self.calls.append((query, threading.current_thread().name))
        return self.engine.search(query, **options)

    def refresh(self) -> bool:
        return self.engine.refresh()


def send_keys(app, keys: list[tuple[str, str]]) -> None:
    """Queue keys as the terminal driver does, all at once (Pilot waits after each key; a fast
    typist does not)."""
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


async def type_query(pilot, text: str) -> None:
    """`/` then `text`, typed faster than the debounce."""
    keys = [("slash", "/")]
    keys += [(char if char.isalnum() else unicodedata.name(char).lower().replace(" ", "_"), char) for char in text]
    send_keys(pilot.app, keys)
    await pilot.pause()


async def wait_for_results(pilot, query: str) -> MainScreen:
    screen: MainScreen = pilot.app.screen
    for _ in range(300):
        pane = screen.search_pane()
        if pane.results is not None and pane.results_for == query:
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"no results for {query!r}")


def highlighted_words(prompt: Text) -> list[str]:
    return [prompt.plain[s.start : s.end] for s in prompt.spans if str(s.style) == MATCH]


@pytest.mark.started_app(search=True)
async def test_japanese_query_shows_ranked_highlighted_results_in_place_of_the_tree(started_app) -> None:
    app, pilot = started_app
    app.session.engine = RecordingEngine(app.session.engine)
    await type_query(pilot, "推論")
    screen = await wait_for_results(pilot, "推論")
    assert screen.query_one("#nav").current == "results-box"
    results = screen.query_one(SearchResults)
    ids = [hit.id for hit in results.hits]
    assert {"x5-inference", "x5-efficient"} <= set(ids)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    for index in range(results.option_count):
        assert "推論" in highlighted_words(results.get_option_at_index(index).prompt)
    assert f"{screen.search_pane().results.total} results" in screen.query_one("#results-summary").content.plain
    # typed fast, searched once, and never on the UI thread
    assert [query for query, _ in app.session.engine.calls] == ["推論"]
    assert all(thread != threading.main_thread().name for _, thread in app.session.engine.calls)


@pytest.mark.started_app(search=True)
async def test_enter_opens_the_best_hit_and_escape_returns_to_the_tree(started_app) -> None:
    app, pilot = started_app
    await type_query(pilot, "type:chip acme")
    screen = await wait_for_results(pilot, "type:chip acme")
    results = screen.query_one(SearchResults)
    assert results.hits and all(hit.type == "chip" for hit in results.hits)
    best = results.hits[0].id
    await pilot.press("enter")
    assert screen.query_one(EntityView).entity_id == best
    await pilot.press("slash", "escape")
    assert screen.query_one(SearchBox).value == ""
    assert screen.query_one("#nav").current == "tree"
    assert screen.query_one(KBTree).has_focus
    # down from the box moves into the results; space marks a chip there
    await type_query(pilot, "blue")
    await wait_for_results(pilot, "blue")
    await pilot.press("down")
    assert results.has_focus
    chip_row = next(i for i, hit in enumerate(results.hits) if hit.type == "chip")
    results.highlighted = chip_row
    await pilot.press("space")
    assert app.session.marked == [results.hits[chip_row].id]
    assert results.get_option_at_index(chip_row).prompt.plain.startswith("● ")


@pytest.mark.started_app(search=True)
async def test_a_query_mistake_is_one_line_and_clearing_the_box_shows_the_tree(started_app) -> None:
    app, pilot = started_app
    await type_query(pilot, "kind:nonsense")
    screen = app.screen
    for _ in range(200):
        summary = screen.query_one("#results-summary").content
        if summary and "kind" in summary.plain:
            break
        await pilot.pause(0.02)
    from kb.search.query import QueryError

    try:
        app.session.engine.search("kind:nonsense")
    except QueryError as error:
        expected = str(error)
    assert screen.query_one("#results-summary").content.plain == expected
    assert "\n" not in expected
    assert screen.query_one(SearchResults).hits == []
    for _ in "kind:nonsense":
        await pilot.press("backspace")
    await settle(pilot)
    assert screen.query_one("#nav").current == "tree"


@pytest.mark.started_app(search=True)
async def test_passage_hit_opens_the_reader_at_that_passage(started_app) -> None:
    from tui.screens.reader import ReaderScreen

    app, pilot = started_app
    await type_query(pilot, "筆者")
    screen = await wait_for_results(pilot, "筆者")
    results = screen.query_one(SearchResults)
    passage = next(i for i, hit in enumerate(results.hits) if hit.passage is not None)
    results.highlighted = passage
    results.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    assert app.screen.source.id == "blue-review"
    assert app.screen.start_line == results.hits[passage].line


@pytest.mark.started_app(search=True)
async def test_search_waits_for_the_index_then_runs(started_app) -> None:
    app, pilot = started_app
    engine, app.session.engine = app.session.engine, None
    await type_query(pilot, "acme")
    await pilot.pause(0.3)
    assert "Preparing the search index" in app.screen.query_one("#results-summary").content.plain
    app.session.set_engine(engine)
    screen = await wait_for_results(pilot, "acme")
    assert screen.query_one(SearchResults).hits


async def test_keys_typed_right_after_slash_land_in_the_box(started_app) -> None:
    app, pilot = started_app
    # all five keys queued at once, as a fast typist's reach the app: c must not reach the tree
    # (where it would open compare)
    send_keys(app, [("slash", "/"), ("c", "c"), ("o", "o"), ("s", "s"), ("t", "t")])
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(SearchBox).value == "cost"
    await pilot.press("slash", "s")  # a / inside the box is typed, as in "GB/s"
    assert app.screen.query_one(SearchBox).value == "cost/s"


async def test_an_index_that_cannot_open_is_said_in_place_of_the_results(tmp_path, monkeypatch, start_app) -> None:
    import kb.search.engine

    def refuse(*args, **kwargs):
        raise OSError("the cache folder is read-only")

    monkeypatch.setattr(kb.search.engine.SearchEngine, "open", refuse)
    async with start_app() as (app, pilot):
        await settle(pilot)
        await type_query(pilot, "acme")
        await pilot.pause(0.3)
        summary = app.screen.query_one("#results-summary").content.plain
        assert summary == "Could not open the search index: the cache folder is read-only"


def prompt_lines(results: SearchResults, index: int) -> list[str]:
    return results.get_option_at_index(index).prompt.plain.splitlines()


@pytest.mark.started_app(search=True)
async def test_a_result_says_why_it_matched_when_it_was_not_its_text(started_app) -> None:
    _app, pilot = started_app
    await type_query(pilot, "Acme Trainer 1")
    screen = await wait_for_results(pilot, "Acme Trainer 1")
    results = screen.query_one(SearchResults)
    assert results.hits[0].id == "acme-t1"  # named by its alias: first
    prompt = results.get_option_at_index(0).prompt
    assert "  alias Acme Trainer 1" in prompt.plain.splitlines()
    assert {"Acme", "Trainer", "1"} <= set(highlighted_words(prompt))
    # a word that reached a chip through its kind, in Japanese
    await pilot.press("escape")
    await type_query(pilot, "推論")
    screen = await wait_for_results(pilot, "推論")
    chip = next(i for i, hit in enumerate(results.hits) if hit.id == "blue-x1")
    assert any(line.startswith("  kind inference-accelerator") for line in prompt_lines(results, chip))
    assert "推論" in highlighted_words(results.get_option_at_index(chip).prompt)


@pytest.mark.started_app(search=True)
async def test_a_source_shows_once_and_a_query_without_a_full_match_shows_what_hits_lack(started_app) -> None:
    _app, pilot = started_app
    await type_query(pilot, "推論")
    screen = await wait_for_results(pilot, "推論")
    results = screen.query_one(SearchResults)
    assert [hit.id for hit in results.hits].count("blue-review") == 1
    row = next(i for i, hit in enumerate(results.hits) if hit.id == "blue-review")
    assert (
        prompt_lines(results, row)[-1].strip().endswith("more passage")
        or "more passage" in prompt_lines(results, row)[-1]
    )
    await pilot.press("escape")
    await type_query(pilot, "Acme 筆者")
    screen = await wait_for_results(pilot, "Acme 筆者")
    summary = screen.query_one("#results-summary").content.plain
    assert "none holds every word" in summary
    assert all(hit.missing for hit in results.hits)
    assert any("missing: " in line for line in prompt_lines(results, 0))


@pytest.mark.started_app(search=True)
async def test_figure_filters_in_the_box_show_the_values_that_met_them_and_mistakes_as_one_line(started_app) -> None:
    _app, pilot = started_app
    await type_query(pilot, "hbm-capacity>=64GB")
    screen = await wait_for_results(pilot, "hbm-capacity>=64GB")
    results = screen.query_one(SearchResults)
    assert [hit.id for hit in results.hits] == ["acme-t2"]
    assert "  figure HBM capacity 96 GB" in prompt_lines(results, 0)
    await pilot.press("escape")
    await type_query(pilot, "tdp<=500GB")
    for _ in range(200):
        summary = screen.query_one("#results-summary").content.plain
        if "tdp<=500GB" in summary:
            break
        await pilot.pause(0.02)
    assert summary == "tdp<=500GB: unit 'GB' does not fit figure 'tdp' (use one of: W, kW)"
    assert screen.query_one(SearchResults).hits == []


class FailingEngine(RecordingEngine):
    """The real engine, except that one query fails as a damaged index or a bug would."""

    def search(self, query, **options):
        if query == "acme broken":
            raise OSError("cannot rebuild the search index: No space left on device")
        return super().search(query, **options)


async def summary_after(pilot, query: str, text: str) -> str:
    """The summary line once `query`, typed into the box over the shown results, has its answer
    (one that holds `text`)."""
    screen = pilot.app.screen
    screen.query_one(SearchBox).value = query
    for _ in range(300):
        summary = screen.query_one("#results-summary").content.plain
        if text in summary:
            return summary
        await pilot.pause(0.02)
    raise AssertionError(f"no answer for {query!r}: {summary!r}")


@pytest.mark.started_app(search=True)
async def test_a_refused_or_failing_query_clears_the_old_results_and_says_why_in_one_line(started_app) -> None:
    app, pilot = started_app
    app.session.engine = FailingEngine(app.session.engine)
    await type_query(pilot, "acme")
    screen = await wait_for_results(pilot, "acme")
    results = screen.query_one(SearchResults)
    assert results.hits
    refused = " ".join(f"word{n}~" for n in range(50))
    summary = await summary_after(pilot, refused, "fuzzy")
    assert summary == "the query has 50 wildcard or fuzzy words; at most 20 are searched at once"
    assert results.hits == [] and screen.search_pane().results is None
    await summary_after(pilot, "acme", "results")
    assert results.hits
    summary = await summary_after(pilot, "acme broken", "failed")
    assert summary == "search failed: OSError: cannot rebuild the search index: No space left on device"
    assert results.hits == [] and screen.search_pane().results is None
    # a filter's wildcard is an answer: every chip
    await summary_after(pilot, "type:chip vendor:*", "results")
    assert results.hits and all(hit.type == "chip" for hit in results.hits)


@pytest.mark.started_app(search=True)
async def test_a_limit_on_the_query_is_said_over_its_results(started_app) -> None:
    _app, pilot = started_app
    await type_query(pilot, "acme~7")
    await wait_for_results(pilot, "acme~7")
    summary = await summary_after(pilot, "acme~7", "results")
    assert "acme~7: a fuzzy word allows at most 2 edits; searched with 2" in summary.splitlines()
