"""A file name that is not UTF-8 reaches Python with each bad byte as a lone surrogate
(U+DC80-U+DCFF), which no encoder writes: on a terminal and in JSON it is shown as the byte it
stands for, so output never fails on it and reads the same everywhere."""

from __future__ import annotations

import json
import os

from kb.text.terminal_safe import json_safe, visible


def test_a_byte_of_a_file_name_is_shown_as_that_byte() -> None:
    name = os.fsdecode(b"x\xff\x80.yaml")
    assert name == "x\udcff\udc80.yaml"
    assert visible(name) == "x\\xff\\x80.yaml"
    visible(name).encode("ascii")  # writable anywhere


def test_other_lone_surrogates_are_shown_as_code_points() -> None:
    assert visible("a\ud800b\udfffc") == "a\\ud800b\\udfffc"
    # the neighbours of the byte range U+DC80-U+DCFF are no bytes
    assert visible("a\udc7fb\udd00c") == "a\\udc7fb\\udd00c"


def test_json_of_such_a_name_is_utf8_and_reads_back_as_the_terminal_shows_it() -> None:
    text = json_safe(json.dumps({"path": os.fsdecode(b"x\xff.yaml")}, ensure_ascii=False))
    text.encode("utf-8")  # a lone surrogate would raise here
    assert json.loads(text) == {"path": "x\\xff.yaml"}
