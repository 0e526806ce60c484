"""The escaping rule itself (kb/text/terminal_safe.py), called directly, for every character it
must catch: the C0 controls but tab and newline, DEL, the whole C1 range (U+0080-U+009F, where a
raw U+009B is a CSI: `visible('a\\x9b2J')` must not clear a screen), and every bidi control
(U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069); and that nothing else changes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.text.terminal_safe import json_safe, visible

C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
C1 = [chr(c) for c in range(0x7F, 0xA0)]  # DEL and the C1 controls
BIDI = [
    "\u061c",
    "\u200e",
    "\u200f",
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
]
UNSAFE = C0 + C1 + BIDI


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_every_control_and_bidi_character_becomes_a_visible_escape(char: str) -> None:
    code = ord(char)
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    assert visible(f"a{char}b") == f"a{escape}b"


def test_a_raw_csi_never_passes() -> None:
    assert visible("a\x9b2J") == "a\\x9b2J"
    assert visible("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m"


@given(st.text(st.characters(blacklist_characters=UNSAFE, blacklist_categories=("Cs",)), max_size=50))
def test_everything_else_is_left_as_it_is(text: str) -> None:
    assert visible(text) == text


@pytest.mark.parametrize("char", C1[1:] + BIDI, ids=[f"U+{ord(c):04X}" for c in C1[1:] + BIDI])
def test_json_output_writes_c1_and_bidi_as_unicode_escapes_and_keeps_the_data(char: str) -> None:
    dumped = json.dumps({"t": f"a{char}b"}, ensure_ascii=False)
    safe = json_safe(dumped)
    assert char not in safe
    assert f"\\u{ord(char):04x}" in safe
    assert json.loads(safe) == {"t": f"a{char}b"}


def test_json_output_leaves_japanese_and_plain_text_raw() -> None:
    dumped = json.dumps({"t": "推論チップ\tAWS"}, ensure_ascii=False)
    assert json_safe(dumped) == dumped
