"""Text analysis for search: words for Latin script, overlapping bigrams for Japanese and Chinese.

whoosh's stock analyzers split on spaces, and Japanese has none, so 推論 inside a sentence would
never be found.  Here, as in Lucene's CJKBigramFilter:

- text is NFKC-normalised first, so full-width `ＡＷＳ` is `aws` and half-width `ｶﾀｶﾅ` is `カタカナ`;
- a run of letters and digits becomes one lowercased word, stemmed (`trains` and `training` both
  become `train`) unless it is short or holds a digit, so `AWS`, `v5e` and `B200` stay as typed;
- a run of Han, Hiragana, Katakana or Hangul becomes overlapping bigrams (`推論チップ` gives
  推論 論チ チッ ップ) at consecutive positions, so a phrase query matches the run and nothing else;
  a lone character is a unigram.  When indexing, the last character of a run is also indexed
  alone, so every character of the text starts some term: a one-character query is a prefix
  query (`kb.search.engine`) and finds 推 in 推論 and 論 at the end of 推論 alike, at a fraction of the
  cost of indexing every character twice.

A query is read the way the text is written, not as one strict phrase (`query_words`): a run of
Japanese is cut where its script changes, its hiragana (particles and okurigana: の, に, を, は,
した, する) left out, so `推論に特化した` looks for 推論 and 特化 and finds 「推論」に特化したチップ;
a katakana word's final ー is left out (レイテンシー finds レイテンシ and the other way round); a
long run of kanji is read as two-character words (安定供給 finds 供給の安定性).

Stemming makes a word's indexed term differ from the word, and a wildcard or fuzzy word is
compared with indexed terms, not with the text: the words that stemming changes are therefore also
indexed as written (`stemmed_away`, in a field of their own).

Character offsets always point into the original, un-normalised text, so highlights land on
what the reader sees.  The tokenizer is pickled into each index: renaming this module or changing
what it emits needs a new ANALYZER_VERSION, which makes every index rebuild itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

ANALYZER_VERSION = 1

#: CJK text: Han (with 々〆〇 and compatibility ideographs), Hiragana, Katakana (full- and
#: half-width), Hangul, and whatever else lies from U+2E80 up, other than the blocks of Latin and
#: Cyrillic letters there (presentation forms, full-width ＡＢＣ, Latin Extended-D and -E).  Written
#: as the characters it is not because `re` fills a table entry for every character of a range
#: when compiling: listing the CJK blocks themselves costs ~5 ms against ~1.5 ms for this, and
#: even that is compiled only once some text has a character from U+2E80 up (`cjk_run`), so a
#: search among English texts never pays for it.  Runs of words are found with the cheap `\w`,
#: then split here.
_NOT_CJK = "\x00-\u2e7f\ua640-\ua6ff\ua720-\uabff\ufb00-\uff65\uffa0-\uffff"
#: Below this, no character is CJK.
_FIRST_CJK = "\u2e80"
#: Combining marks, which belong to the letter before them (e + ◌́ is é, half-width ｶ + ﾞ is ガ).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a\uff9e\uff9f"
_WORD = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")
_MIN_STEMMED = 4

#: (term, position, start, end, is_word)
RawToken = tuple[str, int, int, int, bool]
#: Per-character (start, end) in the original text, or None where characters map one to one.
_Spans = list[tuple[int, int]] | None
#: (is_cjk, normalised text, start, end, spans)
_Segment = tuple[bool, str, int, int, _Spans]


@cache
def cjk_run() -> re.Pattern[str]:
    """A run of CJK characters (Japanese, their punctuation, half-width katakana; not full-width
    Latin letters), compiled when first needed."""
    return re.compile(f"[^{_NOT_CJK}]+")


@cache
def _cluster() -> re.Pattern[str]:
    """A character with the combining marks that follow it."""
    return re.compile(f"(?s).[{_MARKS}]*")


def is_cjk(text: str) -> bool:
    """Whether `text` is one run of CJK characters."""
    return bool(text) and max(text) >= _FIRST_CJK and cjk_run().fullmatch(text) is not None


def normalise(text: str) -> str:
    """The query-side form of a single term: NFKC and lowercase, nothing split."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """A word's stem; short words and words with digits are kept whole (AWS, v5e, B200).  A stem
    always starts with the word's first letter (Porter's rules only rewrite endings)."""
    if len(word) < _MIN_STEMMED or not word.isalpha():
        return word
    return _porter_stem(word)


def name_key(name: str) -> str:
    """A name as the index keeps it for finding an entity by name: NFKC, case folded, its words
    joined by hyphens (`TPU v5e`, `tpu-v5e` and `ＴＰＵ　v5e` are all `tpu-v5e`)."""
    return "-".join(_WORD.findall(unicodedata.normalize("NFKC", name).casefold()))


def _script(char: str) -> str:
    """h (hiragana), k (katakana), c (kanji) or o (any other CJK), for cutting a query's runs;
    the long vowel mark ー is "" (it belongs to the character before it)."""
    code = ord(char)
    if char == "ー":
        return ""
    if 0x3041 <= code <= 0x309F:
        return "h"
    if char in "ヶヵ々〆〇":  # written inside kanji compounds: 3ヶ月, 関ヶ原
        return "c"
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "k"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
        return "c"
    return "o"


def query_words(run: str) -> list[str]:
    """The words a query's run of CJK characters (NFKC-normalised, one `\\w` run) is searched as:
    cut where the script changes, hiragana left out when the run holds anything else (a run of
    hiragana alone is kept whole), a katakana word's final ー left out, and a run of four or more
    kanji cut into two-character words (the last one three when the run is odd)."""
    pieces: list[list[str]] = []  # [script, text]
    for char in run:
        script = _script(char)
        if pieces and script in ("", pieces[-1][0]):
            pieces[-1][1] += char
        else:
            pieces.append([script or "k", char])
    words: list[str] = []
    for script, text in pieces:
        if script == "h":
            continue
        if script == "k" and len(text) > 2 and text.endswith("ー"):
            text = text.rstrip("ー")
        if script == "c" and len(text) >= 4:
            cut = list(range(0, len(text) - 3, 2)) if len(text) % 2 else list(range(0, len(text) - 2, 2))
            words += [text[start : start + 2] for start in cut]
            words.append(text[cut[-1] + 2 :])
            continue
        words.append(text)
    return words or [run]


def _segments(text: str) -> Iterator[_Segment]:
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            yield False, word.lower(), match.start(), match.end(), None
        elif unicodedata.is_normalized("NFKC", word):
            yield from _split(word, match.start(), None)
        else:
            yield from _normalised(word, match.start())


def _split(word: str, base: int, spans: _Spans) -> Iterator[_Segment]:
    """The Latin and CJK runs of a normalised word starting at `base` (or placed by `spans`)."""
    if max(word) < _FIRST_CJK:
        yield _piece(word, 0, len(word), base, spans, False)
        return
    done = 0
    for run in cjk_run().finditer(word):
        if run.start() > done:
            yield _piece(word, done, run.start(), base, spans, False)
        yield _piece(word, run.start(), run.end(), base, spans, True)
        done = run.end()
    if done < len(word):
        yield _piece(word, done, len(word), base, spans, False)


def _piece(word: str, start: int, end: int, base: int, spans: _Spans, cjk: bool) -> _Segment:
    text = word[start:end] if cjk else word[start:end].lower()
    if spans is None:
        return cjk, text, base + start, base + end, None
    mine = spans[start:end]
    return cjk, text, mine[0][0], mine[-1][1], mine


def _normalised(word: str, base: int) -> Iterator[_Segment]:
    """Segments of a word that NFKC changes, with offsets mapped back to the original."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    for cluster in _cluster().finditer(word):
        normal = unicodedata.normalize("NFKC", cluster.group())
        parts.append(normal)
        spans.extend([(base + cluster.start(), base + cluster.end())] * len(normal))
    normal = "".join(parts)
    for match in _WORD.finditer(normal):
        yield from _split(match.group(), 0, spans[match.start() : match.end()])


def raw_tokens(text: str, *, stem: bool, unigrams: str = "last") -> Iterator[RawToken]:
    """The tokens of `text` with positions and original character offsets.

    `unigrams` says which characters of a multi-character CJK run are also given alone: "none"
    (a query: 推論 is the bigram and nothing else), "last" (indexing: see the module docstring)
    or "all" (finding every character to highlight).
    """
    if text.isascii():  # most text, and the quickest: every word is a Latin one, nothing to normalise
        for pos, match in enumerate(_WORD.finditer(text)):
            word = match.group().lower()
            yield (stem_word(word) if stem else word), pos, match.start(), match.end(), True
        return
    pos = 0
    for cjk, segment, start, end, offsets in _segments(text):
        if not cjk:
            yield (stem_word(segment) if stem else segment), pos, start, end, True
            pos += 1
            continue
        if len(segment) == 1:
            yield segment, pos, start, end, False
            pos += 1
            continue
        for i in range(len(segment) - 1):
            if offsets is None:
                first, second = (start + i, start + i + 1), (start + i + 1, start + i + 2)
            else:
                first, second = offsets[i], offsets[i + 1]
            yield segment[i : i + 2], pos + i, first[0], second[1], False
            if unigrams == "all":
                yield segment[i], pos + i, first[0], first[1], False
        if unigrams != "none":
            last = offsets[-1] if offsets is not None else (end - 1, end)
            yield segment[-1], pos + len(segment) - 1, last[0], last[1], False
        pos += len(segment) - 1


def stemmed_away(text: str) -> Iterator[str]:
    """The Latin words of `text` that stemming changes, as written and lowercased, each once
    (`accelerators`, not its stem `acceler`; not `bandwidth`, which is its own stem).  With the
    stems, they are every word of the text as written: what a wildcard or fuzzy word is compared
    with (kb.search.engine), so that `acceleratox~` reaches `accelerator`, four edits from `acceler`."""
    seen: set[str] = set()
    for word, _, _, _, is_word in raw_tokens(text, stem=False, unigrams="none"):
        if is_word and word not in seen:
            seen.add(word)
            if stem_word(word) != word:
                yield word


class ChipTokenizer(Tokenizer):
    """The whoosh tokenizer of the KB's text fields; `stem=False` for the exact-name field."""

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChipTokenizer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((ChipTokenizer, self.stem))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not tokenize:  # wildcard and other whole-term queries: normalise, never stem or split
            token.text = normalise(value)
            if keeporiginal:
                token.original = value
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        unigrams = "none" if mode == "query" else "last"
        for text, pos, start, end, _ in raw_tokens(value, stem=self.stem, unigrams=unigrams):
            token.text = text
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
