"""Where a paragraph breaks into lines of a given width, by Japanese line-breaking rules (kinsoku).

A terminal wraps Japanese, which has no spaces, wherever a line fills up, so a line can start
with 、 or 。 or end with 「. Here no line starts with closing punctuation, a small kana or the
long-vowel mark, and no line ends with opening punctuation: the character before the break moves
down with it (追い出し). Latin words break at spaces, as they do anywhere else. Widths are terminal
cells (East Asian wide and full-width characters take two).
"""

from __future__ import annotations

import unicodedata

#: Characters a line must not start with (行頭禁則).
NO_LINE_START = frozenset(
    "、。，．,.)）]］｝〕〉》」』】〙〗〟’”｠»ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～？！?!‼⁇⁈⁉・:;：；/"
)
#: Characters a line must not end with (行末禁則).
NO_LINE_END = frozenset("(（[［｛〔〈《「『【〘〖〝‘“｟«")


def cell_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _is_wide(char: str) -> bool:
    return cell_width(char) == 2


def line_starts(text: str, width: int) -> list[int]:
    """The offset where each line of `text` (one paragraph, no newlines) starts, at `width` cells.

    A line breaks at the last place it may before it overflows: after a space, or beside a wide
    (Japanese, Chinese) character; a Latin word longer than a line is cut where it overflows.
    """
    width = max(2, width)
    starts = [0]
    line_start, column, opportunity = 0, 0, -1
    index = 0
    while index < len(text):
        char = text[index]
        if index > line_start and (text[index - 1] == " " or _is_wide(text[index - 1]) or _is_wide(char)):
            opportunity = index
        cells = cell_width(char)
        if column + cells > width and index > line_start and char != " ":
            cut = opportunity if opportunity > line_start else index
            while cut - 1 > line_start and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
                cut -= 1
            starts.append(cut)
            line_start, opportunity = cut, -1
            column = sum(cell_width(c) for c in text[cut:index])
            continue
        column += cells
        index += 1
    return starts
