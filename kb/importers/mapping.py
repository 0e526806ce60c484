"""The mapping table a KB keeps for each dataset: `.imports/<dataset>.yaml` inside the KB folder.

It says what no rule can: which chip a row is, which rows to leave out, which vendor a maker is,
and which memory a chip has. The folder's name starts with a dot, so the KB loader (which skips
hidden files and folders, see kb.store.scan) never reads it as KB entities; `chipkb import` reads
and checks it every time it runs, and refuses to import while it has a problem.

    # .imports/epoch.yaml
    source: epoch-ml-hardware          # the KB source the figures cite (default: the dataset's)
    rows:                              # a row's name in the dataset -> what it is
      NVIDIA H100 SXM5 80GB: nvidia-h100         # a chip of the KB, or the id a new chip gets
      NVIDIA A100: skip                          # leave the row out
      GroqChip LPU v1: {id: groq-lpu, vendor: groq, kind: inference-accelerator}
      Google TPU v5p: {}                         # import it by the usual rules (past a `skip:` pattern)
      Meta MTIA v1 (MTIA 100): {leave-out: ["Memory (bytes)"]}
    vendors:                           # a maker as the dataset names it -> a vendor id, or skip
      Amazon AWS: aws
      Kunlunxin Baidu: {id: kunlunxin, name: Kunlunxin, kind: chip-designer}
      Sunway: skip
    skip:                              # rows left out, by a pattern on their name (* and ?)
      - NVIDIA GeForce *
    memory:                            # which memory a row's memory columns are: hbm or other
      AMD Instinct *: hbm
      NVIDIA L4*: other

A `rows:` entry wins over `skip:` and `memory:` patterns; of several matching patterns the first
written wins.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.store import schema
from kb.store.load import display_path
from kb.store.model import Location, Problem
from kb.store.yamlread import Limits, node_location, read_yaml, scalar_value
from kb.text.slugs import is_slug
from kb.text.suggest import did_you_mean

FOLDER = ".imports"
MEMORY_KINDS = ("hbm", "other")
_ROW_FIELDS = ("id", "vendor", "kind", "memory", "leave-out")
_VENDOR_FIELDS = ("id", "name", "kind")
_SECTIONS = ("source", "rows", "vendors", "skip", "memory")


@dataclass
class RowRule:
    """What the mapping table says about one row."""

    where: Location
    skip: bool = False
    id: str = ""
    vendor: str = ""
    kind: str = ""
    memory: str = ""
    leave_out: list[tuple[str, Location]] = field(default_factory=list)


@dataclass
class VendorRule:
    where: Location
    skip: bool = False
    id: str = ""
    name: str = ""
    kind: str = ""


@dataclass
class Mapping:
    path: str
    file: Path
    exists: bool = False
    source: str = ""
    rows: dict[str, RowRule] = field(default_factory=dict)
    vendors: dict[str, VendorRule] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)
    memory: list[tuple[str, str]] = field(default_factory=list)

    def rule(self, key: str) -> RowRule | None:
        return self.rows.get(key)

    def skipped(self, key: str) -> bool:
        """Whether a `skip:` pattern leaves the row out (a `rows:` entry naming it wins)."""
        rule = self.rows.get(key)
        if rule is not None:
            return rule.skip
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.skip)

    def memory_of(self, key: str) -> str:
        """`hbm`, `other` or `` (the table does not say) for a row."""
        rule = self.rows.get(key)
        if rule is not None and rule.memory:
            return rule.memory
        return next((kind for pattern, kind in self.memory if fnmatch.fnmatchcase(key, pattern)), "")


def mapping_file(kb_root: Path, dataset: str) -> Path:
    return kb_root / FOLDER / f"{dataset}.yaml"


def read_mapping(kb_root: Path, dataset: str, limits: Limits | None = None) -> tuple[Mapping, list[Problem]]:
    """The mapping table for `dataset` (empty when the file is not there) and its problems."""
    file = mapping_file(kb_root, dataset)
    mapping = Mapping(display_path(kb_root, file), file)
    if not file.exists():
        return mapping, []
    mapping.exists = True
    node, problems = read_yaml(file, mapping.path, limits or Limits.from_environment())
    if node is None:
        return mapping, problems
    _Reader(mapping, problems).read(node)
    return mapping, problems


class _Reader:
    def __init__(self, mapping: Mapping, problems: list[Problem]) -> None:
        self.mapping = mapping
        self.problems = problems

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem.at(node_location(self.mapping.path, node), message))

    def items(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if isinstance(node, yaml.ScalarNode) and scalar_value(node) is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping")
            return []
        found: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key.strip():
                self.report(key_node, f"the keys of {what} must be names (text)")
                continue
            key = " ".join(key.split())
            if key in seen:
                self.report(key_node, f"{key!r} appears twice in {what}")
                continue
            seen.add(key)
            found.append((key, key_node, value_node))
        return found

    def text(self, node: yaml.Node, what: str) -> str | None:
        value = scalar_value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            self.report(node, f"{what} must be text")
            return None
        return " ".join(str(value).split())

    def slug(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if not is_slug(value):
            self.report(node, f"{what} must be an id (a lowercase slug like 'trainium2'), not {value!r}")
            return None
        return value

    def choice(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in choices:
            self.report(
                node, f"{what} must be one of {', '.join(choices)}; not {value!r}{did_you_mean(value, choices)}"
            )
            return None
        return value

    def read(self, node: yaml.Node) -> None:
        for key, key_node, value in self.items(node, "the mapping table"):
            if key not in _SECTIONS:
                self.report(key_node, f"unknown key {key!r} (use {', '.join(_SECTIONS)}){did_you_mean(key, _SECTIONS)}")
            elif key == "source":
                self.mapping.source = self.slug(value, "'source'") or ""
            elif key == "rows":
                for row, row_node, rule in self.items(value, "'rows'"):
                    parsed = self.row_rule(rule, node_location(self.mapping.path, row_node))
                    if parsed is not None:
                        self.mapping.rows[row] = parsed
            elif key == "vendors":
                for maker, maker_node, rule in self.items(value, "'vendors'"):
                    vendor = self.vendor_rule(rule, node_location(self.mapping.path, maker_node))
                    if vendor is not None:
                        self.mapping.vendors[maker] = vendor
            elif key == "skip":
                self.mapping.skip = self.patterns(value)
            else:
                for pattern, _, kind in self.items(value, "'memory'"):
                    chosen = self.choice(kind, f"the memory of {pattern!r}", MEMORY_KINDS)
                    if chosen:
                        self.mapping.memory.append((pattern, chosen))

    def patterns(self, node: yaml.Node) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and scalar_value(node) is None:
                return []
            self.report(node, "'skip' must be a list of row names or patterns")
            return []
        found = []
        for item in node.value:
            text = self.text(item, "each pattern under 'skip'")
            if text:
                found.append(text)
        return found

    def short_form(self, node: yaml.ScalarNode, what: str, target: str) -> tuple[bool, str]:
        """An entry written as one word: (skip?, the id); an empty id when it is not usable."""
        value = self.text(node, f"a {what}'s entry")
        if value is None or value == "skip":
            return value == "skip", ""
        return False, self.slug(node, f"a {what}'s entry (a {target} id or skip)") or ""

    def row_rule(self, node: yaml.Node, where: Location) -> RowRule | None:
        if isinstance(node, yaml.ScalarNode):
            skip, chip = self.short_form(node, "row", "chip")
            return RowRule(where, skip=skip, id=chip) if skip or chip else None
        rule = RowRule(where)
        for key, key_node, value in self.items(node, "a row's entry"):
            if key not in _ROW_FIELDS:
                message = f"unknown key {key!r} for a row (use {', '.join(_ROW_FIELDS)})"
                self.report(key_node, message + did_you_mean(key, _ROW_FIELDS))
            elif key == "id":
                rule.id = self.slug(value, "'id'") or ""
            elif key == "vendor":
                rule.vendor = self.slug(value, "'vendor'") or ""
            elif key == "kind":
                rule.kind = self.choice(value, "'kind'", schema.CHIP_KINDS) or ""
            elif key == "memory":
                rule.memory = self.choice(value, "'memory'", MEMORY_KINDS) or ""
            else:
                if not isinstance(value, yaml.SequenceNode):
                    self.report(value, "'leave-out' must be a list of column names")
                    continue
                for item in value.value:
                    column = self.text(item, "each column under 'leave-out'")
                    if column:
                        rule.leave_out.append((column, node_location(self.mapping.path, item)))
        return rule

    def vendor_rule(self, node: yaml.Node, where: Location) -> VendorRule | None:
        if isinstance(node, yaml.ScalarNode):
            skip, vendor = self.short_form(node, "maker", "vendor")
            return VendorRule(where, skip=skip, id=vendor) if skip or vendor else None
        rule = VendorRule(where)
        for key, key_node, value in self.items(node, "a maker's entry"):
            if key not in _VENDOR_FIELDS:
                message = f"unknown key {key!r} for a maker (use {', '.join(_VENDOR_FIELDS)})"
                self.report(key_node, message + did_you_mean(key, _VENDOR_FIELDS))
            elif key == "id":
                rule.id = self.slug(value, "'id'") or ""
            elif key == "name":
                rule.name = self.text(value, "'name'") or ""
            else:
                rule.kind = self.choice(value, "'kind'", schema.VENDOR_KINDS) or ""
        return rule


TEMPLATE = """\
# The mapping table of `chipkb import {dataset}` for this KB: what no rule can tell. See
# kb/importers/mapping.py. The KB loader skips this folder (its name starts with a dot);
# `chipkb import` checks this file every time it runs.
#
# rows:     a row's name -> a chip id (of the KB, or for a new chip), skip,
#           or {{id, vendor, kind, memory, leave-out}}
# vendors:  a maker as the dataset names it -> a vendor id, skip, or {{id, name, kind}}
# skip:     rows left out, by a pattern on their name (* and ?)
# memory:   a pattern on rows' names -> hbm or other: which memory the dataset's memory columns are
rows: {{}}
vendors: {{}}
skip: []
memory: {{}}
"""
