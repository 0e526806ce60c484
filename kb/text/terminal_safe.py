"""Making KB text safe to print: control characters and bidi overrides shown as visible escapes.

KB text is data.  An ESC in an excerpt must never reach the terminal (it could change colours,
set the window title or clear the screen), and a right-to-left override must not reorder what
the reader sees.  Tabs and newlines are kept; everything else in Unicode's Cc category and the
bidi controls become `\\x1b`-style escapes.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Lone surrogates: a file name that is not UTF-8 reaches Python with each bad byte as U+DC80-U+DCFF
#: (`x\udcff.yaml`); no encoder writes them, so they are shown as the byte they stand for (`x\xff.yaml`).
SURROGATES = "\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}{SURROGATES}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every terminal control and bidi override replaced by a visible escape."""
    return _UNSAFE.sub(_escape, text)


def json_safe(json_text: str) -> str:
    """JSON text with the C1 controls and bidi overrides inside its strings written as `\\u` escapes.

    The data is unchanged (a JSON reader decodes the escapes back); only the terminal is spared.
    json.dumps already escapes C0 controls such as ESC.  A lone surrogate (a byte of a file name
    that is not UTF-8) cannot be written at all, so it becomes the text `\\xff`, as on a terminal.
    """
    # what JSON leaves raw inside strings but a terminal acts on; compiled only for --json output
    unsafe_in_json = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}]")
    # a lone surrogate cannot be written as UTF-8: it becomes the text `\xff` (a JSON `\\xff`)
    surrogate = re.compile(f"[{SURROGATES}]")
    json_text = surrogate.sub(lambda match: "\\" + _escape(match), json_text)
    return unsafe_in_json.sub(lambda match: f"\\u{ord(match.group()):04x}", json_text)
