"""Japanese as typed: a query cut into words the way the text is written (script changes, particles
and okurigana left out, a final ー left out, long kanji runs as two-character words), on the query
side and against text written with particles, okurigana, 「」, full- and half-width letters and ー."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kb.search.analysis import query_words
from kb.search.engine import SearchEngine
from kb.search.query import prepare
from tests.support.kb_files import write_kb


@pytest.mark.parametrize(
    ("run", "words"),
    [
        ("推論に特化", ["推論", "特化"]),  # a particle between two words
        ("推論に特化したチップ", ["推論", "特化", "チップ"]),  # okurigana (した) and a particle
        ("トレーニングに特化する", ["トレーニング", "特化"]),
        ("の戦略", ["戦略"]),
        ("レイテンシー", ["レイテンシ"]),  # a final long vowel: either spelling finds both
        ("サーバー", ["サーバ"]),
        ("キー", ["キー"]),  # too short to lose it
        ("安定供給", ["安定", "供給"]),  # four kanji: two words
        ("垂直統合戦略", ["垂直", "統合", "戦略"]),
        ("半導体不足", ["半導", "体不足"]),  # odd: the last word three
        ("学習用", ["学習用"]),  # three kanji stay one word
        ("すべて", ["すべて"]),  # only hiragana: kept as typed
        ("高い", ["高"]),
        ("関ヶ原", ["関ヶ原"]),  # ヶ is written inside kanji compounds
    ],
)
def test_a_run_of_japanese_is_cut_into_its_content_words(run: str, words: list[str]) -> None:
    assert query_words(run) == words


@pytest.mark.parametrize(
    ("query", "whoosh_sees"),
    [
        ("AWSの戦略", "AWS 戦略"),
        ("「推論」に特化", "推論 特化"),  # brackets between the words
        ("ＡＷＳの戦略", "ＡＷＳ 戦略"),  # full-width letters: the analyzer makes them aws
        ("ｻﾌﾟﾗｲﾁｪｰﾝの安定化", "サプライチェーン 安定化"),  # half-width katakana
        ("推論に特化 OR トレーニング", "(推論 特化) OR トレーニング"),  # an operator keeps its meaning
        ('"推論に特化"', '"推論に特化"'),  # a quoted phrase stays as typed
        ("推論*", "推論*"),  # a wildcard is whoosh's
        ("tag:supply-chain 地政学", "tag:supply-chain 地政学"),
        ("TSMC 3nm", 'TSMC (3nm OR "3 nm")'),  # a number run into its unit: both ways
    ],
)
def test_the_query_whoosh_reads(query: str, whoosh_sees: str) -> None:
    assert " ".join(prepare(query).text.split()) == whoosh_sees


def test_the_words_of_one_run_are_kept_together_for_nearness() -> None:
    assert prepare("推論に特化したチップ と AWSの戦略").runs == [["推論", "特化", "チップ"]]


# A made-up article, written as Japanese articles are: particles, okurigana, brackets, full-width
# letters, half-width katakana and long vowels.
TEXT = """\
これは「推論」に特化したチップだ。低レイテンシーが求められる。

ＡＷＳのシリコン戦略は供給の安定性を重視する。ｻｰﾊﾞｰの台数も多い。

学習させるためのチップは別にある。
"""

FILES = {
    "sources.yaml": """\
sources:
  - id: article
    title: 架空の記事
    language: ja
    text_file: article.md
""",
    "article.md": TEXT,
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("ja-cache")))
        opened = SearchEngine.open(write_kb(tmp_path_factory.mktemp("kb"), FILES))
        yield opened
        opened.close()


def passages(engine: SearchEngine, query: str) -> list[int]:
    rows = engine.search(query, passages=True).hits
    found = [] if rows and rows[0].missing else [hit.passage for row in rows for hit in [row, *(row.passages or [])]]
    return sorted(p for p in found if p is not None)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("推論に特化", [1]),  # the text has 「推論」に特化: brackets and a particle between the words
        ("推論特化", [1]),  # typed without the particle
        ("特化するチップ", [1]),  # other okurigana than the text's (passage 3 has no 特化)
        ("低レイテンシ", [1]),  # without the text's ー
        ("AWSの戦略", [2]),  # full-width in the text, half-width in the query
        ("ＡＷＳ戦略", [2]),
        ("サーバー", [2]),  # half-width katakana in the text
        ("安定供給", [2]),  # the text says 供給の安定性
        ("チップ", [1, 3]),
    ],
)
def test_a_query_finds_the_text_however_either_is_written(engine: SearchEngine, query: str, found: list[int]) -> None:
    assert passages(engine, query) == found


def test_the_highlights_land_on_the_words_as_the_text_writes_them(engine: SearchEngine) -> None:
    hit = engine.search("ＡＷＳの戦略").hits[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["ＡＷＳ", "戦略"]
    hit = engine.search("サーバー").hits[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["ｻｰﾊﾞ"]
