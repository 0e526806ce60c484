"""The quicker ways kb.store.yamlread reads a file give exactly what the plain ways give.

`ComposingLoader` resolves tags with fewer Python calls than the safe loader, and the checks run
before composing (`_ANCHOR`, `_QUOTED_OR_COMMENT`, the indentation check) are regexes rewritten
to start with a literal.  Each is compared here with the plain version it replaced, on every YAML
file of the repository and on texts made to tell them apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kb.store import yamlread
from kb.store.yamlread import ComposingLoader, Limits
from tests.support.paths import BUNDLED_KB

REPO = Path(__file__).resolve().parents[3]
CORPUS = sorted(
    p for folder in (REPO / "tests", Path(BUNDLED_KB)) for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")
)

TRICKY = [
    "a: yes\nb: No\nc: ~\nd: null\ne: 0x1F\nf: 0o17\ng: 1_000\nh: .5\ni: -.inf\nj: .NaN\nk: 2024-01-02\n",
    "l: 2024-01-02 10:00:00\nm: '2024'\nn: \"true\"\no: =\np: <<\nq: ''\nr:\ns: +1\nt: 1.0e+3\nu: 1e3\n",
    "- !!str 12\n- !!int '7'\n- [a, {b: c}, 3.5]\n- &x {k: v}\n- *x\n- ? complex\n  : key\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "multi: |\n  line 1\n  line 2\nfolded: >\n  a\n  b\nplain: C# and R&D are not anchors\n",
]


def _tree(node: yaml.Node) -> object:
    """Everything a node holds that the loader uses: kind, tag, value, and where it starts and ends."""
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, [_tree(item) for item in node.value], marks)
    return ("mapping", node.tag, [(_tree(k), _tree(v)) for k, v in node.value], marks)


def _texts() -> list[str]:
    found = []
    for path in CORPUS:
        try:
            found.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
    return found + TRICKY


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) > 40  # the bundled KB, the fixtures and the hostile corpus


def test_the_composing_loader_gives_the_safe_loaders_tags() -> None:
    assert ComposingLoader is not yamlread.SafeLoader
    compared = 0
    for text in _texts():
        try:
            if yamlread._measure(text, "x.yaml", Limits()) is not None:
                continue  # an alias bomb or deep nesting, which read_yaml never composes
            expected = yaml.compose(text, Loader=yamlread.SafeLoader)  # what was used before
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                yaml.compose(text, Loader=ComposingLoader)
            continue
        got = yaml.compose(text, Loader=ComposingLoader)
        assert (got is None) == (expected is None)
        if expected is not None:
            assert _tree(got) == _tree(expected)
            compared += 1
    assert compared > 40


_PLAIN_QUOTED_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|(?:^|(?<=\s))#[^\n]*', re.MULTILINE)
_PLAIN_ANCHOR = re.compile(r"(?:^|[\s,\[{])&[^\s,\[\]{}]")

EDGES = [
    "&a x",
    "x &a",
    "x,&a",
    "[&a 1]",
    "{&a 1: 2}",
    "R&D",
    "a&&b",
    "& x",
    "#c [",
    "a#b [[",
    "a #b [[",
    '"unclosed [[',
    "'it''s' [",
    "'unclosed",
    '"a\\"b" [',
    '"x\\\n" [',
    "it's [[ 'quoted' ]]",
]


def test_the_prechecks_match_the_plain_patterns() -> None:
    for text in _texts() + EDGES:
        assert yamlread._QUOTED_OR_COMMENT.sub("", text) == _PLAIN_QUOTED_OR_COMMENT.sub("", text), text
        assert bool(yamlread._ANCHOR.search(text)) == bool(_PLAIN_ANCHOR.search(text)), text


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (" " * 32 + "a: 1\n", True),
        ("a:\n" + " " * 32 + "b: 1\n", True),
        ("a:\n" + " " * 31 + "b: 1\n", False),
        ("a:\n" + " " * 40 + "\n", False),  # spaces only: not a deeper level
        ("[" * 32 + "]" * 32, True),
        ("'" + "[" * 40 + "'", False),
    ],
)
def test_what_may_exceed_the_limits(text: str, deep: bool) -> None:
    assert yamlread._may_exceed(text, Limits()) is deep
