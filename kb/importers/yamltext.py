"""KB files as text the importer can edit line by line, and the marks that say what it wrote.

The importer never re-emits a whole YAML file: a person's comments, order and quoting stay as
they are. It inserts lines (a figure into a chip's `specs`, a chip at the end of a section),
and replaces or deletes only lines it wrote itself and nobody has edited since.

What it wrote carries a mark, a YAML comment naming the dataset and a digest of the text:

    - {name: tdp, value: 540, unit: W, source: epoch-ml-hardware, ...}  # epoch:1f3a9c2e

on a figure's own line, or on the line above a chip, vendor or source it added:

    # epoch:9b0c41d7
    - id: tpu-v2
      ...

The digest is of the figure's `{...}` (or the entry's lines, leaving out its `specs`), so a mark
whose text was edited no longer matches: from then on the figure or entry is the person's, and
the importer neither changes nor deletes it. Deleting the mark has the same effect.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from kb.store.load import display_path
from kb.store.yamlread import SafeLoader, decode_text, scalar_value

_MARK = re.compile(r"#\s*(?P<dataset>[a-z][a-z0-9-]*):(?P<digest>[0-9a-f]{8})\s*$")
_MARK_LINE = re.compile(r"^\s*#\s*(?P<dataset>[a-z][a-z0-9-]*):(?P<digest>[0-9a-f]{8})\s*$")


def digest(dataset: str, text: str) -> str:
    return hashlib.sha256(f"{dataset}\n{text}".encode()).hexdigest()[:8]


def mark(dataset: str, text: str) -> str:
    return f"# {dataset}:{digest(dataset, text)}"


def header_text(lines: list[str]) -> str:
    """What an entry's digest is of: its lines without line ends or trailing blanks."""
    return "\n".join(line.rstrip() for line in lines)


# -- writing YAML scalars ------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9(][A-Za-z0-9 ._/()+'-]*\Z")
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as the same string, in block and in flow context:
    plain where that is safe, double-quoted otherwise."""
    if _PLAIN.match(text) and not text.endswith(" ") and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _reads_back(text: str) -> bool:
    try:
        return yaml.load(f"[{text}]", Loader=SafeLoader) == [text] and yaml.load(f"k: {text}", Loader=SafeLoader) == {
            "k": text
        }
    except yaml.YAMLError:
        return False


def number_text(value: Decimal) -> str:
    """A Decimal as YAML reads a number: `670`, `0.128`, never `6.7E+2`."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def flow_mapping(pairs: list[tuple[str, str]]) -> str:
    """`{name: tdp, value: 540, ...}` from (key, already-written scalar) pairs."""
    return "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"


# -- reading KB files as spans of lines ----------------------------------------------------------


@dataclass
class Item:
    """One figure of a chip's `specs`: its lines, its fields as text, and whose mark it bears."""

    first: int
    last: int
    fields: dict[str, str]
    #: The dataset whose intact mark the figure bears ('' when none: a person's figure).
    owner: str = ""
    #: The `{...}` text, when the figure is one flow mapping on one line.
    content: str = ""


@dataclass
class Entry:
    """A vendor, chip or source in a file: where it is, and whose intact mark it bears."""

    section: str
    id: str
    first: int
    last: int
    indent: int
    key_indent: int
    mark_line: int | None = None
    owner: str = ""
    #: For chips: where `specs:` is, how it is written, and its figures.
    specs_key: int | None = None
    specs_last: int | None = None
    specs_style: str = ""  # block, flow, empty or '' (no specs key)
    items: list[Item] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Section:
    key_line: int
    style: str  # block, flow or empty
    last: int
    item_indent: int | None = None


@dataclass
class KBFile:
    """One KB file's text, its lines, and the entries found in it."""

    file: Path
    rel: str
    display: str
    data: bytes
    text: str
    lines: list[str]
    newline: str
    bom: bool
    sections: dict[str, Section] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)


def read_kb_file(kb_root: Path, file: Path) -> KBFile | None:
    """A KB file as lines and entries; None when it cannot be read as YAML (the loader says why)."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    text, problem = decode_text(data, str(file))
    if problem is not None or text is None:
        return None
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    rel = file.relative_to(kb_root).as_posix()
    kb_file = KBFile(
        file, rel, display_path(kb_root, file), data, text, lines, newline, data.startswith(b"\xef\xbb\xbf")
    )
    if isinstance(node, yaml.MappingNode):
        _Spans(kb_file).read(node)
    return kb_file


class _Spans:
    def __init__(self, kb_file: KBFile) -> None:
        self.f = kb_file
        self.lines = kb_file.lines

    def last_line(self, node: yaml.Node) -> int:
        """The last line holding the node's text (not the blank lines or comments after it)."""
        if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
            end = node.end_mark
            line = end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
        elif isinstance(node, yaml.MappingNode) and node.value:
            line = self.last_line(node.value[-1][1])
        elif isinstance(node, yaml.SequenceNode) and node.value:
            line = self.last_line(node.value[-1])
        else:
            line = node.start_mark.line
        line = min(line, len(self.lines) - 1)
        while line > node.start_mark.line and not self.lines[line].strip():
            line -= 1
        return line

    def read(self, root: yaml.MappingNode) -> None:
        for key_node, value in root.value:
            section = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if section not in ("vendors", "chips", "sources", "claims"):
                continue
            style = _style(value)
            if style == "":
                continue
            last = self.last_line(value) if style in ("block", "flow") else key_node.start_mark.line
            span = Section(key_node.start_mark.line, style, max(last, key_node.start_mark.line))
            self.f.sections[section] = span
            if style != "block":
                continue
            for item in value.value:
                if span.item_indent is None:
                    span.item_indent = _indent(self.lines[item.start_mark.line])
                if isinstance(item, yaml.MappingNode) and not item.flow_style:
                    self.entry(section, item)

    def entry(self, section: str, node: yaml.MappingNode) -> None:
        first = node.start_mark.line
        before = self.lines[first][: node.start_mark.column]
        if before.strip() != "-":
            return  # not an entry written `- key: value`: nothing of the importer's
        values: dict[str, yaml.Node] = {}
        keys: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, str):
                values[key] = value
                keys[key] = key_node
        entry_id = _text(values.get("id"))
        entry = Entry(
            section,
            entry_id,
            first,
            self.last_line(node),
            _indent(self.lines[first]),
            node.start_mark.column,
            fields={k: _text(v) for k, v in values.items() if isinstance(v, yaml.ScalarNode)},
        )
        specs = values.get("specs")
        if specs is not None:
            entry.specs_key = keys["specs"].start_mark.line
            entry.specs_style = _style(specs) or "other"
            entry.specs_last = self.last_line(specs) if entry.specs_style == "block" else entry.specs_key
            if entry.specs_style == "block":
                entry.items = [self.item(item) for item in specs.value]
        if first > 0:
            found = _MARK_LINE.match(self.lines[first - 1].rstrip("\r\n"))
            if found:
                entry.mark_line = first - 1
                kept = [
                    line
                    for number, line in enumerate(self.lines[first : entry.last + 1], start=first)
                    if entry.specs_key is None or not (entry.specs_key <= number <= (entry.specs_last or number))
                ]
                if digest(found["dataset"], header_text(kept)) == found["digest"]:
                    entry.owner = found["dataset"]
        self.f.entries.append(entry)

    def item(self, node: yaml.Node) -> Item:
        first, last = node.start_mark.line, self.last_line(node)
        fields: dict[str, str] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                key = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if isinstance(key, str) and isinstance(value, yaml.ScalarNode):
                    fields[key] = _text(value)
        item = Item(first, last, fields)
        if isinstance(node, yaml.MappingNode) and node.flow_style and first == node.end_mark.line:
            line = self.lines[first].rstrip("\r\n")
            content = line[node.start_mark.column : node.end_mark.column]
            found = _MARK.search(line[node.end_mark.column :])
            if line[: node.start_mark.column].strip() == "-":
                item.content = content
                rest = line[node.end_mark.column :]
                if (
                    found
                    and rest[: found.start()].strip() == ""
                    and digest(found["dataset"], content) == found["digest"]
                ):
                    item.owner = found["dataset"]
        return item


def _style(node: yaml.Node) -> str:
    """block, flow, empty (nothing after the key), null (`~` or `null`) or '' (not a list at all)."""
    if isinstance(node, yaml.ScalarNode):
        if scalar_value(node) is not None:
            return ""
        return "empty" if node.value == "" else "null"
    if isinstance(node, yaml.SequenceNode):
        return "flow" if node.flow_style else "block"
    return ""


def _text(node: yaml.Node | None) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return ""
    value = scalar_value(node)
    return "" if value is None else str(value) if not isinstance(value, str) else value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
