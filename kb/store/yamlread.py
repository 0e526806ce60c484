"""Reading one YAML file safely: bounded size, depth and alias expansion, positions kept.

The file is parsed into a node graph (never into arbitrary Python objects) with libyaml's
safe loader when it is there.  Before composing, one pass over the event stream measures the
nesting depth and how many nodes the aliases would expand to, so an alias bomb or a file nested
10,000 levels deep is refused with a message naming the limit instead of exhausting memory or
the stack.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.store.model import Location, Problem
from kb.store.scan import FileRead, Refused, read_regular

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ComposingLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader with its tag resolution done in fewer Python calls: libyaml's composer calls
    `descend_resolver`, `ascend_resolver` and `resolve` back in Python for every node (a million
    nodes: ~3 million calls), and the safe loader has no path resolvers and no wildcard implicit
    resolvers, so the first two do nothing and `resolve` needs only the resolvers of the value's
    first character.  The tags are the safe loader's own (tests/kb/store/test_yamlread_speed.py)."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


#: What `read_yaml` composes with: the quicker loader, unless resolvers it skips were ever added.
ComposingLoader = (
    _ComposingLoader
    if not SafeLoader.yaml_path_resolvers and None not in SafeLoader.yaml_implicit_resolvers
    else SafeLoader
)


class LimitError(ValueError):
    """A limit set in the environment that is not a whole number above 0; the message is one line."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise LimitError(f"{name}={raw!r} is not a whole number above 0 (the default is {default})")
    return value


@dataclass(frozen=True)
class Limits:
    """How much one KB file may ask of us; each can be set by an environment variable."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_expanded_nodes: int = 100_000

    @classmethod
    def from_environment(cls) -> Limits:
        return cls(
            max_file_bytes=_env_int("CHIPKB_MAX_FILE_BYTES", cls.max_file_bytes),
            max_depth=_env_int("CHIPKB_MAX_DEPTH", cls.max_depth),
            max_expanded_nodes=_env_int("CHIPKB_MAX_NODES", cls.max_expanded_nodes),
        )


def mark_location(path: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


def node_location(path: str, node: yaml.Node) -> Location:
    return mark_location(path, node.start_mark)


def decode_text(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (a BOM is allowed and dropped); say where the first bad byte is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Problem(path, 1, 1, "file is UTF-16, not UTF-8: re-save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        byte = data[error.start]
        return None, Problem(path, line, col, f"file is not UTF-8: byte 0x{byte:02x} cannot be decoded")


#: An anchor: `&` at the start of the text or after a space, comma or opening bracket, and a name.
#: (Written to start with the literal `&`, so the regex engine jumps from `&` to `&`: at 40 MB,
#: 0.05 s against 1.5 s for the same pattern beginning with the alternative.)
_ANCHOR = re.compile(r"&(?<![^\s,\[{]&)[^\s,\[\]{}]")


#: Quoted scalars (written as "unrolled loops") and comments (`#` at the start or after a space):
#: each alternative starts with a literal, so the engine skips to the next quote or `#`.
_QUOTED_OR_COMMENT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|\'[^\']*(?:\'\'[^\']*)*\'|#(?<!\S#)[^\n]*')
_FLOW_INDICATOR = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """How deep flow collections nest, estimated from the brackets outside quotes and comments.

    Only quoted scalars and comments may hold brackets inside a flow collection, so once they are
    removed the count is right there; a stray bracket elsewhere (in a block scalar) can only
    happen at block level, where the count is floored at zero, so it never hides real nesting.
    """
    depth = deepest = 0
    for bracket in _FLOW_INDICATOR.findall(_QUOTED_OR_COMMENT.sub("", text)):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _may_exceed(text: str, limits: Limits) -> bool:
    """Cheap signs that a document could nest deeper or expand further than the limits allow.

    Only anchors can make aliases expand, and nesting needs flow brackets or indentation (a block
    mapping level costs at least one column, a block list inside it none), so a text without
    anchors, with shallow brackets and shallow indentation is within both.
    """
    if _ANCHOR.search(text):
        return True
    deep = f" {{{limits.max_depth // 2},}}\\S"  # a line indented by half the depth limit or more
    if re.match(deep, text) or re.search("\n" + deep, text):
        return True
    return ("[" in text or "{" in text) and _flow_depth(text) >= limits.max_depth // 2


def _measure(text: str, path: str, limits: Limits) -> Problem | None:
    """Refuse a document nested too deep or whose aliases expand too far, before composing it."""
    open_counts: list[tuple[str | None, int]] = []  # (anchor, nodes expanded so far) per open collection
    anchor_sizes: dict[str, int] = {}
    total = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        added = 0
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(open_counts) >= limits.max_depth:
                where = mark_location(path, event.start_mark)
                return Problem.at(where, f"nesting deeper than {limits.max_depth} levels (limit CHIPKB_MAX_DEPTH)")
            open_counts.append((event.anchor, 0))
            added = 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = open_counts.pop()
            if anchor:
                anchor_sizes[anchor] = size + 1
            if open_counts:
                parent_anchor, parent_size = open_counts[-1]
                open_counts[-1] = (parent_anchor, parent_size + size + 1)
            continue
        elif isinstance(event, yaml.ScalarEvent):
            added = 1
            if event.anchor:
                anchor_sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            added = anchor_sizes.get(event.anchor or "", 1)
        else:
            continue
        if open_counts and not isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            anchor, size = open_counts[-1]
            open_counts[-1] = (anchor, size + added)
        total += added
        if total > limits.max_expanded_nodes:
            where = mark_location(path, event.start_mark)
            return Problem.at(
                where,
                f"aliases expand to more than {limits.max_expanded_nodes} nodes (limit CHIPKB_MAX_NODES)",
            )
    return None


def _syntax_problem(path: str, error: yaml.YAMLError) -> Problem:
    """One line at the place libyaml gave up, naming where the unfinished construct began."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    where = mark_location(path, problem_mark or context_mark)
    message = f"YAML syntax error: {getattr(error, 'problem', None) or error}"
    context = getattr(error, "context", None)
    if context:
        message += f" ({context}"
        if context_mark is not None and problem_mark is not None and context_mark.line != problem_mark.line:
            message += f" started at line {context_mark.line + 1}, column {context_mark.column + 1}"
        message += ")"
    return Problem.at(where, " ".join(message.split()))


def describe_os_error(error: OSError) -> str:
    """Why a file could not be opened, in a few words (a symbolic link loop named as such)."""
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return error.strerror or str(error)


def read_yaml(
    file: Path, display_path: str, limits: Limits, reads: dict[str, FileRead] | None = None
) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse one file into a node tree, or return why it cannot be read.  With `reads`, what was
    read (its stat and hash, without the bytes' copy) is recorded there under the file's path."""
    try:
        read = read_regular(file, limits.max_file_bytes, digest=reads is not None)
    except Refused as refused:
        return None, [Problem(display_path, 1, 1, f"file is {refused}")]
    except OSError as error:
        return None, [Problem(display_path, 1, 1, f"cannot read file: {describe_os_error(error)}")]
    if reads is not None:
        reads[os.fspath(file)] = read.without_data()
    data = read.data
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [Problem(display_path, 1, 1, "file is binary, not YAML text (it contains NUL bytes)")]
    text, problem = decode_text(data, display_path)
    if problem is not None:
        return None, [problem]
    assert text is not None
    try:
        too_big = _measure(text, display_path, limits) if _may_exceed(text, limits) else None
        if too_big is not None:
            return None, [too_big]
        node = yaml.compose(text, Loader=ComposingLoader)
    except yaml.YAMLError as error:
        if "maximum nesting depth" in str(error):  # libyaml's own limit on flow nesting
            where = mark_location(display_path, getattr(error, "problem_mark", None))
            return None, [Problem.at(where, f"nesting deeper than {limits.max_depth} levels (limit CHIPKB_MAX_DEPTH)")]
        return None, [_syntax_problem(display_path, error)]
    except RecursionError:
        return None, [Problem(display_path, 1, 1, "nesting too deep to read")]
    return node, []


_constructor = yaml.SafeLoader("")
_STR_TAG = "tag:yaml.org,2002:str"


def scalar_value(node: yaml.ScalarNode) -> object:
    """The Python value of a scalar node, as the safe loader would build it.

    A scalar the safe loader resolves but cannot build (a timestamp with month 13) stays text,
    so the field's own check can say what is wrong with it.
    """
    if node.tag == _STR_TAG:  # most scalars: skip the constructor's bookkeeping
        return node.value
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):
        return node.value
