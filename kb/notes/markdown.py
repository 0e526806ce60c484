"""KB text as literal markdown: every piece of KB text is escaped for the place it lands in.

KB text is data in notes too:

- C0 and C1 control characters (except newline and tab) are removed.  They mean nothing in
  markdown and break the tools that read notes: a NUL ends the text for some, a lone CR splits a
  line where the parser does not expect it, and an ESC reaches the terminal of anyone who runs
  `cat` on the note.
- In running text every character markdown (or Obsidian: `$` math, `%%` comments, `==`
  highlights, `#` tags) gives a meaning is backslash-escaped, as are list and heading markers at
  the start of a line, so KB text can never open a table, a code fence, a link or a heading.
- In a table cell, newlines become spaces and `|` is escaped.
- In a wikilink's label, Obsidian has no way to escape the characters that would end the link
  (`[`, `]`, `|`, `\\`) or open a code span, HTML tag, math or comment running past its end
  (`` ` ``, `<`, `>`, `$`, `%`), so they are replaced by their fullwidth forms (`［`, `｜`, ...).
  The link target is always a checked slug.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kb.store.yamlread import SafeLoader
from kb.text.terminal_safe import BIDI_CONTROLS

_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~=$%&^])")
_LIST_MARKER = re.compile(r"([-+])|(\d{1,9})([.)])")
#: Characters that could end a wikilink or open a span (code, HTML, math, comment) across its end.
_LABEL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "[]|\\`<>$%"})
_URL = re.compile(r"https?://[^\s<>]+\Z")


def clean(text: str) -> str:
    """`text` with line ends made `\\n` and every other control character (but tab) removed."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """`text` cleaned, with every run of whitespace (newlines included) made one space."""
    return " ".join(clean(text).split())


def _escape_line(line: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", line)
    marker = _LIST_MARKER.match(escaped)
    if marker is None:
        return escaped
    if marker.group(1):
        return "\\" + escaped
    return f"{marker.group(2)}\\{marker.group(3)}{escaped[marker.end() :]}"


def inline(text: str) -> str:
    """KB text as one line of literal markdown: safe in a heading, a list item or a table cell."""
    return _escape_line(one_line(text))


def block(text: str) -> str:
    """KB text as literal markdown paragraphs: its blank-line breaks and line breaks kept, each
    line's surrounding whitespace dropped (four leading spaces would make it a code block)."""
    lines: list[str] = []
    for raw in clean(text).splitlines():
        line = raw.strip()
        if line:
            lines.append(_escape_line(line))
        elif lines and lines[-1]:
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block(text).split("\n"))


def label(text: str) -> str:
    """Text for a wikilink's label: one line, with the characters wikilinks reserve replaced."""
    return one_line(text).translate(_LABEL)


def url_text(url: str) -> str:
    """A URL as an autolink when it is one, otherwise as literal text."""
    cleaned = one_line(url)
    return f"<{cleaned}>" if _URL.match(cleaned) else inline(cleaned)


def front_matter(data: dict[str, Any]) -> str:
    """`data` as a YAML front-matter block, checked to read back exactly as given."""
    # Always the pure-Python emitter, so the bytes do not depend on whether libyaml is installed.
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000)
    lines = text.split("\n")
    if yaml.load(text, Loader=SafeLoader) != data or "---" in lines or "..." in lines:
        raise ValueError(f"front matter of {data.get('id')!r} does not read back as written")
    return f"---\n{text}---\n"
