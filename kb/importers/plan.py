"""The diff: what importing a dataset would change in a KB, and what it reports.

`make_plan` compares the rows of a snapshot with the KB and decides, for every row and figure:

- a row maps to a chip of the KB (by the mapping table, or by name and alias, kb.importers.matching),
  to a new chip, or to nothing (skipped, or it cannot be mapped: why is said);
- each figure of a mapped row is added, or left alone because the KB already says it (the same value
  from any source, up to the KB's rounding), or kept beside the KB's when they disagree (a second
  figure with its own source: the KB's is never overwritten), or not added because a person's figure
  from the same dataset says otherwise;
- a figure the importer wrote earlier (its mark intact, kb.importers.yamltext) is updated when the
  snapshot's value changed and removed when the snapshot no longer states it (the row left the
  snapshot, is now skipped or maps elsewhere, or its cell is empty); a chip or vendor the importer
  added is removed with its row when nothing else in the KB needs it (no figure of another source,
  no claim about it, no edit by hand) and kept otherwise, said so.

The plan holds `Change`s for kb.importers.edits to write and `Event`s for the command to print.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kb.importers.dataset import Dataset, Proposed, Row
from kb.importers.figures import agrees, figure_content, shown, spec_shown
from kb.importers.mapping import Mapping
from kb.importers.matching import BY_HISTORY, HOW, Matcher, norm
from kb.importers.yamltext import Entry, Item, KBFile, header_text, mark, scalar
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Problem, Source, Spec, Vendor
from kb.store.schema_line import SCHEMA_LINE
from kb.text.slugs import slugify
from kb.text.suggest import did_you_mean

# -- what the plan holds -------------------------------------------------------------------------


@dataclass
class Event:
    """One thing to report. `kind` decides the wording (kb.cli.importing), `where` its order."""

    kind: str
    text: str
    where: tuple[int, int] = (0, 0)


@dataclass
class Change:
    """One edit of the KB's text; kb.importers.edits turns a list of them into files."""

    kind: str  # insert-figures, replace-line, delete-item, append-entry, replace-header, delete-entry
    rel: str
    lines: list[str] = field(default_factory=list)
    kb_file: KBFile | None = None
    entry: Entry | None = None
    item: Item | None = None
    section: str = ""


@dataclass
class Plan:
    dataset: Dataset
    problems: list[Problem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def event(self, kind: str, text: str, where: tuple[int, int] = (0, 0)) -> None:
        self.events.append(Event(kind, text, where))
        self.counts[kind] += 1


# -- where things go -----------------------------------------------------------------------------

CHIPS_FILE = "chips/imported-{vendor}.yaml"
VENDORS_FILE = "vendors/imported-{vendor}.yaml"
SOURCES_FILE = "sources/imported-{dataset}.yaml"

FILE_NOTE = (
    "# Written by `chipkb import` (see kb/importers). An entry or figure marked `# <dataset>:<digest>`\n"
    "# is the importer's: it updates or removes it when a newer snapshot of the dataset changes.\n"
    "# Edit it (or delete its mark) and it is yours: the importer never changes or deletes it again.\n"
)


def schema_line(kb_root: Path, files: dict[str, KBFile], rel: str) -> str:
    """`# yaml-language-server: $schema=...` for a new file at `rel`, pointing where the KB's other
    files point (or at the checkout's docs/kb.schema.json)."""
    targets: dict[str, int] = defaultdict(int)
    for kb_file in files.values():
        first = kb_file.lines[0] if kb_file.lines else ""
        found = SCHEMA_LINE.match(first)
        if found and "://" in found.group(1):
            targets[found.group(1)] += 1  # a URL stays a URL
        elif found:
            target = os.path.normpath(os.path.join(os.path.dirname(kb_root / kb_file.rel), found.group(1)))
            targets[target] += 1
    if targets:
        target = max(sorted(targets), key=lambda t: targets[t])
    else:
        target = str(Path(__file__).resolve().parents[2] / "docs" / "kb.schema.json")
    if "://" in target:
        return f"# yaml-language-server: $schema={target}"
    relative = os.path.relpath(target, os.path.dirname(kb_root / rel))
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"


# -- the planner ---------------------------------------------------------------------------------


@dataclass
class _Target:
    """Where a mapped row's figures go."""

    row: Row
    chip_id: str
    vendor_id: str
    new: bool
    how: str


class _Planner:
    def __init__(
        self,
        dataset: Dataset,
        rows: list[Row],
        kb: KnowledgeBase,
        files: dict[str, KBFile],
        mapping: Mapping,
        csv_path: str,
    ) -> None:
        self.dataset = dataset
        self.rows = rows
        self.kb = kb
        self.files = files
        self.mapping = mapping
        self.csv_path = csv_path
        self.plan = Plan(dataset)
        self.matcher = Matcher(kb)
        self.source_id = mapping.source or dataset.source.id
        self.mark_name = dataset.name
        # entries of the KB's files by the place the loader gives their entities
        self.entry_at: dict[tuple[str, int], tuple[KBFile, Entry]] = {}
        for kb_file in files.values():
            for entry in kb_file.entries:
                self.entry_at[(kb_file.display, entry.first + 1)] = (kb_file, entry)
        self.new_vendors: dict[str, tuple[str, str, Row]] = {}  # id -> (name, kind, first row)
        self.row_vendor: dict[str, str] = {}
        self.targets: dict[str, _Target] = {}
        self.row_status: dict[str, str] = {}  # row key -> why it is not mapped, or 'mapped'
        self.taken_ids = set(kb.entities)

    # -- rows to vendors and chips --

    def problem_at(self, where: object, message: str) -> None:
        self.plan.problems.append(Problem.at(where, message))  # type: ignore[arg-type]

    def unmapped(self, row: Row, why: str) -> None:
        self.row_status[row.key] = why
        self.plan.event("unmapped", f"{self.csv_path}:{row.line}: cannot map row {row.key!r}: {why}", (row.line, 0))

    def skipped(self, row: Row, why: str) -> None:
        self.row_status[row.key] = "skipped"
        self.plan.event("skipped", f"{self.csv_path}:{row.line}: row {row.key!r} {why}", (row.line, 0))

    def resolve_vendors(self) -> None:
        for maker, rule in self.mapping.vendors.items():
            if rule.id and rule.id in self.kb.entities and not isinstance(self.kb.entities[rule.id], Vendor):
                kind = self.kb.entities[rule.id].type
                self.problem_at(
                    rule.where, f"maker {maker!r} is mapped to {rule.id!r}, which is a {kind}, not a vendor"
                )
        for row in self.rows:
            rule = self.mapping.rule(row.key)
            if self.mapping.skipped(row.key):
                self.skipped(row, f"is skipped by {self.mapping.path}")
                continue
            vendor_rule = self.mapping.vendors.get(row.maker) if row.maker else None
            if vendor_rule is not None and vendor_rule.skip:
                self.skipped(row, f"is left out: its maker {row.maker!r} is skipped by {self.mapping.path}")
                continue
            if rule is not None and rule.vendor:
                self.row_vendor[row.key] = rule.vendor
                continue
            if not row.maker:
                self.unmapped(
                    row, f"it names no maker; give it a vendor in {self.mapping.path} (rows: ...: {{vendor: ID}})"
                )
                continue
            if vendor_rule is not None and vendor_rule.id:
                vendor_id = vendor_rule.id
                if vendor_id not in self.kb.entities:
                    self.new_vendor(vendor_id, vendor_rule.name or row.maker, vendor_rule.kind or "chip-designer", row)
                self.row_vendor[row.key] = vendor_id
                continue
            found = self.matcher.vendor(row.maker)
            if len(found) > 1:
                self.unmapped(
                    row,
                    f"its maker {row.maker!r} could be vendor {' or '.join(found)}; say which in {self.mapping.path}",
                )
                continue
            if found:
                self.row_vendor[row.key] = found[0]
                continue
            vendor_id = slugify(re.sub(r"\(.*", "", row.maker)) or slugify(row.maker)
            if vendor_id in self.kb.entities:
                kind = self.kb.entities[vendor_id].type
                self.unmapped(row, f"its maker {row.maker!r} would be vendor {vendor_id!r}, but that id is a {kind}")
                continue
            name = vendor_rule.name if vendor_rule and vendor_rule.name else row.maker
            kind = vendor_rule.kind if vendor_rule and vendor_rule.kind else "chip-designer"
            self.new_vendor(vendor_id, name, kind, row)
            self.row_vendor[row.key] = vendor_id
        # a vendor a row names in the mapping table must be in the KB or be one this import adds
        for row in self.rows:
            rule = self.mapping.rule(row.key)
            if rule is not None and rule.vendor and rule.vendor not in self.new_vendors:
                found = self.kb.get(rule.vendor)
                if not isinstance(found, Vendor):
                    vendors = [v.id for v in self.kb.vendors] + list(self.new_vendors)
                    what = f"is a {found.type}" if found else "is not a vendor of the KB"
                    self.problem_at(
                        rule.where,
                        f"row {row.key!r}: vendor {rule.vendor!r} {what}{did_you_mean(rule.vendor, vendors)}",
                    )
                    self.row_vendor.pop(row.key, None)
                    self.row_status[row.key] = "problem"

    def new_vendor(self, vendor_id: str, name: str, kind: str, row: Row) -> None:
        if vendor_id not in self.new_vendors:
            self.new_vendors[vendor_id] = (name, kind, row)
            self.taken_ids.add(vendor_id)

    def history(self) -> dict[str, set[str]]:
        """Row key -> the chips holding the importer's figures from that row."""
        row_of = {figure.locator: row.key for row in self.rows for figure in row.figures}
        found: dict[str, set[str]] = defaultdict(set)
        for chip in self.kb.chips:
            span = self.chip_span(chip)
            for item in span[1].items if span else []:
                key = row_of.get(item.fields.get("locator", ""))
                if item.owner == self.mark_name and key:
                    found[key].add(chip.id)
        return found

    def resolve_chips(self) -> None:
        history = self.history()
        explicit: dict[str, list[Row]] = defaultdict(list)
        implicit: dict[str, list[tuple[int, Row]]] = defaultdict(list)
        new_rows: list[Row] = []
        for row in self.rows:
            vendor_id = self.row_vendor.get(row.key)
            if vendor_id is None:
                continue
            rule = self.mapping.rule(row.key)
            if rule is not None and rule.id:
                found = self.kb.get(rule.id)
                if found is not None and not isinstance(found, Chip):
                    self.problem_at(rule.where, f"row {row.key!r} is mapped to {rule.id!r}, which is a {found.type}")
                    continue
                explicit[rule.id].append(row)
                continue
            if row.not_a_chip:
                self.skipped(row, f"is left out: {row.not_a_chip} (name it in {self.mapping.path} to import it)")
                continue
            held = history.get(row.key, set())
            if len(held) == 1:
                implicit[next(iter(held))].append((BY_HISTORY, row))
                continue
            matches = self.matcher.chips(row.name, row.maker, vendor_id) if vendor_id not in self.new_vendors else []
            if not matches:
                new_rows.append(row)
                continue
            best = [m for m in matches if m[0] == matches[0][0]]
            if len(best) > 1:
                chips = " and ".join(chip for _, chip in best)
                self.unmapped(
                    row, f"it matches chips {chips} equally ({HOW[best[0][0]]}); say which in {self.mapping.path}"
                )
                continue
            implicit[best[0][1]].append((best[0][0], row))
        for chip_id, rows in explicit.items():
            if len(rows) > 1:
                names = ", ".join(repr(r.key) for r in rows)
                for row in rows:
                    rule = self.mapping.rule(row.key)
                    assert rule is not None
                    self.problem_at(rule.where, f"rows {names} are all mapped to {chip_id!r}: one row per chip")
                continue
            row = rows[0]
            exists = isinstance(self.kb.get(chip_id), Chip)
            if not exists:
                self.taken_ids.add(chip_id)
                close = did_you_mean(chip_id, [c.id for c in self.kb.chips])
                if close:
                    rule = self.mapping.rule(row.key)
                    assert rule is not None
                    self.plan.event(
                        "mapping", f"{rule.where}: no chip {chip_id!r} in the KB, so a new chip gets that id{close}"
                    )
            self.targets[row.key] = _Target(row, chip_id, self.row_vendor[row.key], not exists, "by the mapping table")
        for chip_id, candidates in sorted(implicit.items()):
            if chip_id in explicit:
                for _, row in candidates:
                    self.unmapped(row, f"it matches chip {chip_id!r}, which the mapping table gives to another row")
                continue
            candidates.sort(key=lambda pair: -pair[0])
            top = [row for how, row in candidates if how == candidates[0][0]]
            if len(top) > 1:
                names = " and ".join(repr(r.key) for r in top)
                for _, row in candidates:
                    self.unmapped(
                        row, f"rows {names} match chip {chip_id!r} equally; say which is it in {self.mapping.path}"
                    )
                continue
            winner = top[0]
            for how, row in candidates:
                if row is winner:
                    self.targets[row.key] = _Target(row, chip_id, self.row_vendor[row.key], False, HOW[how])
                else:
                    self.unmapped(
                        row,
                        f"it matches chip {chip_id!r} ({HOW[how]}), which row {winner.key!r} matches better;"
                        f" map it in {self.mapping.path}",
                    )
        for row in new_rows:
            vendor_id = self.row_vendor[row.key]
            chip_id = self.new_chip_id(row, vendor_id)
            if chip_id is None:
                continue
            self.taken_ids.add(chip_id)
            self.targets[row.key] = _Target(row, chip_id, vendor_id, True, "new")
        for row in self.rows:
            if row.key in self.targets:
                self.row_status[row.key] = "mapped"

    def new_chip_id(self, row: Row, vendor_id: str) -> str | None:
        vendor_names = [row.maker, vendor_id, *self.matcher.vendor_names(vendor_id)]
        if vendor_id in self.new_vendors:
            vendor_names.append(self.new_vendors[vendor_id][0])
        words = row.name.split()
        prefixes = sorted({tuple(norm(w) for w in n.split()) for n in vendor_names if n.strip()}, key=len, reverse=True)
        rest = words
        for prefix in prefixes:
            if prefix and len(words) > len(prefix) and tuple(norm(w) for w in words[: len(prefix)]) == prefix:
                rest = words[len(prefix) :]
                break
        base = slugify(" ".join(rest)) or slugify(row.name)
        siblings = [c.id for c in self.kb.chips if c.vendor == vendor_id]
        if siblings and all(s.startswith(f"{vendor_id}-") for s in siblings) and not base.startswith(f"{vendor_id}-"):
            base = f"{vendor_id}-{base}"
        for candidate in (base, f"{vendor_id}-{base}"):
            if candidate and candidate not in self.taken_ids:
                return candidate
        taken = self.kb.get(base)
        what = f"a {taken.type}" if taken else "another new chip's"
        self.unmapped(row, f"its id would be {base!r}, which is {what}; give it an id in {self.mapping.path}")
        return None

    # -- figures --

    def memory_kind(self, target: _Target) -> str:
        said = self.mapping.memory_of(target.row.key)
        if said:
            return said
        chip = self.kb.get(target.chip_id)
        if isinstance(chip, Chip):
            text = chip.memory.lower()
            if "hbm" in text:
                return "hbm"
            if any(word in text for word in ("ddr", "sram", "dram", "unified")):
                return "other"
            names = {s.name for s in chip.specs if s.source != self.source_id}
            if names & {"hbm-capacity", "hbm-bandwidth"}:
                return "hbm"
            if names & {"memory-capacity", "memory-bandwidth"}:
                return "other"
        return ""

    def desired(self, target: _Target) -> list[Proposed]:
        row = target.row
        rule = self.mapping.rule(row.key)
        leave_out = {column for column, _ in rule.leave_out} if rule else set()
        memory = ""
        wanted = []
        for figure in row.figures:
            if figure.column in leave_out:
                self.left_out(row, target.chip_id, figure.column, f"left out by {self.mapping.path}")
                continue
            if figure.memory:
                memory = memory or self.memory_kind(target) or "unknown"
                if memory == "unknown":
                    self.left_out(
                        row,
                        target.chip_id,
                        figure.column,
                        f"{self.dataset.says('do')} not say which memory this is and neither does the KB;"
                        f" say memory: hbm or other for it in {self.mapping.path}",
                    )
                    continue
                if memory == "other":
                    figure = Proposed(
                        figure.name.replace("hbm-", "memory-"),
                        figure.value,
                        figure.unit,
                        figure.column,
                        figure.locator,
                        figure.status,
                        figure.note,
                    )
            wanted.append(figure)
        for why in row.left_out:
            self.left_out(row, target.chip_id, "", why)
        return wanted

    def left_out(self, row: Row, chip_id: str, column: str, why: str) -> None:
        what = f"{chip_id} {column!r}" if column else chip_id
        self.plan.event("left-out", f"{self.csv_path}:{row.line}: left out {what}: {why}", (row.line, 1))

    def check_leave_out_columns(self) -> None:
        known = sorted({f.column for row in self.rows for f in row.figures} | set(self.dataset.required))
        for rule in self.mapping.rows.values():
            for column, where in rule.leave_out:
                if column not in known:
                    self.problem_at(where, f"no column {column!r} in {self.dataset.title}{did_you_mean(column, known)}")

    # -- the diff on existing chips --

    def chip_span(self, chip: Chip) -> tuple[KBFile, Entry] | None:
        return self.entry_at.get((chip.location.path, chip.location.line))

    def owned_items(self, chip: Chip) -> dict[tuple[str, str], Item]:
        span = self.chip_span(chip)
        if span is None:
            return {}
        return {
            (item.fields.get("name", ""), item.fields.get("locator", "")): item
            for item in span[1].items
            if item.owner == self.mark_name
        }

    def others(self, chip: Chip) -> list[Spec]:
        """The chip's figures that are not the importer's own (for this dataset)."""
        span = self.chip_span(chip)
        owned_lines = {item.first + 1 for item in span[1].items if item.owner == self.mark_name} if span else set()
        return [s for s in chip.specs if not (s.location and s.location.line in owned_lines)]

    def figure_events(self, target: _Target, figure: Proposed, others: list[Spec]) -> bool:
        """Report how the figure stands against the KB's; whether to add it."""
        chip_id = target.chip_id
        same = [s for s in others if s.name == figure.name]
        ours = shown(figure.value, figure.unit, figure.status)
        where = (target.row.line, 2)
        here = f"{chip_id} {figure.name} {ours} ({figure.locator})"
        from_dataset = [s for s in same if s.source == self.source_id]
        if from_dataset:
            if any(agrees(figure, s) for s in from_dataset):
                self.plan.event("agree", f"{self.dataset.says('agree')}: {here}", where)
                return False
            spec = from_dataset[0]
            place = f"{spec.location}" if spec.location else "?"
            self.plan.event(
                "kept",
                f"kept {chip_id} {figure.name} {spec_shown(spec)} ({spec.source}) at {place}, a figure written by hand:"
                f" this snapshot says {ours} ({figure.locator})",
                where,
            )
            return False
        valued = [s for s in same if s.value is not None]
        agreeing = [s for s in valued if agrees(figure, s)]
        if agreeing:
            sources = ", ".join(sorted({s.source for s in agreeing}))
            self.plan.event("agree", f"{self.dataset.says('agree')} with {sources}: {here}", where)
            return False
        self.plan.event("add-figure", here, where)
        for spec in valued:
            self.plan.event(
                "disagree",
                f"{self.dataset.says('disagree')} on {chip_id} {figure.name}: the KB says {spec_shown(spec)}"
                f" ({spec.source}), {self.dataset.says('say')} {ours} ({figure.locator}); both kept",
                where,
            )
        for spec in same:
            if spec.value is None:
                self.plan.event(
                    "note", f"{chip_id} {figure.name}: the KB has it as not disclosed ({spec.source})", where
                )
        return True

    def existing_chip(self, target: _Target, wanted: list[Proposed], used: set[tuple[str, str, str]]) -> None:
        chip = self.kb.get(target.chip_id)
        assert isinstance(chip, Chip)
        span = self.chip_span(chip)
        owned = self.owned_items(chip)
        others = self.others(chip)
        new_lines: list[Proposed] = []
        for figure in wanted:
            key = (figure.name, figure.locator)
            content = figure_content(figure, self.source_id)
            item = owned.get(key)
            if item is not None:
                used.add((chip.id, *key))
                if item.content != content:
                    assert span is not None
                    old = shown(
                        _number(item.fields.get("value")),
                        item.fields.get("unit", ""),
                        item.fields.get("status", "stated"),
                    )
                    new = shown(figure.value, figure.unit, figure.status)
                    text = f"{chip.id} {figure.name}: {old} -> {new} ({figure.locator})"
                    self.plan.event("update-figure", text, (target.row.line, 2))
                    self.plan.changes.append(
                        Change("replace-line", span[0].rel, [content], kb_file=span[0], entry=span[1], item=item)
                    )
                continue
            if self.figure_events(target, figure, others):
                new_lines.append(figure)
        if not new_lines:
            return
        if span is None:
            self.plan.problems.append(
                Problem.at(
                    chip.location, f"cannot add figures to chip {chip.id!r}: write it as a list entry '- id: ...'"
                )
            )
            return
        kb_file, entry = span
        if entry.specs_style not in ("", "block", "empty"):
            self.plan.problems.append(
                Problem.at(
                    chip.place("specs"),
                    f"cannot add figures to chip {chip.id!r}: its specs are not a block list ('- name: ...' lines)",
                )
            )
            return
        self.plan.changes.append(
            Change(
                "insert-figures",
                kb_file.rel,
                [figure_content(f, self.source_id) for f in new_lines],
                kb_file=kb_file,
                entry=entry,
            )
        )

    # -- new chips, vendors and the source --

    def chip_header(self, target: _Target, entry_indent: int) -> list[str]:
        row = target.row
        rule = self.mapping.rule(row.key)
        pad = " " * entry_indent
        lines = [
            f"{pad}- id: {target.chip_id}",
            f"{pad}  name: {scalar(row.name)}",
            f"{pad}  vendor: {target.vendor_id}",
            f"{pad}  kind: {rule.kind if rule and rule.kind else row.kind}",
        ]
        foundry = self.foundry(row)
        if foundry:
            lines.append(f"{pad}  foundry: {foundry}")
        lines.append(f"{pad}  sources: [{self.source_id}]")
        return lines

    def foundry(self, row: Row) -> str:
        if not row.foundry or "," in row.foundry:
            return ""
        found = self.matcher.vendor(row.foundry)
        return found[0] if len(found) == 1 else ""

    def new_chip(self, target: _Target, wanted: list[Proposed]) -> None:
        rel = CHIPS_FILE.format(vendor=target.vendor_id)
        kb_file = self.files.get(rel)
        indent = 2
        if kb_file is not None and "chips" in kb_file.sections:
            indent = kb_file.sections["chips"].item_indent or 2
        header = self.chip_header(target, indent)
        lines = [" " * indent + mark(self.mark_name, header_text(header)), *header]
        if wanted:
            lines.append(" " * (indent + 2) + "specs:")
            for figure in wanted:
                content = figure_content(figure, self.source_id)
                lines.append(f"{' ' * (indent + 4)}- {content}  {mark(self.mark_name, content)}")
        self.plan.event(
            "add-chip",
            f"{target.chip_id} ({target.row.name}), vendor {target.vendor_id}, {len(wanted)} figures, in {rel}",
            (target.row.line, 0),
        )
        for figure in wanted:
            self.plan.event(
                "add-figure-new",
                f"{target.chip_id} {figure.name} {shown(figure.value, figure.unit, figure.status)} ({figure.locator})",
                (target.row.line, 2),
            )
        self.plan.changes.append(Change("append-entry", rel, lines, kb_file=kb_file, section="chips"))

    def vendor_entries(self, references: set[str]) -> None:
        for vendor_id, (name, kind, row) in self.new_vendors.items():
            if vendor_id not in references:
                continue
            rel = VENDORS_FILE.format(vendor=vendor_id)
            kb_file = self.files.get(rel)
            indent = (kb_file.sections["vendors"].item_indent or 2) if kb_file and "vendors" in kb_file.sections else 2
            pad = " " * indent
            header = [f"{pad}- id: {vendor_id}", f"{pad}  name: {scalar(name)}", f"{pad}  kind: {kind}"]
            self.plan.event("add-vendor", f"{vendor_id} ({name}), in {rel}", (row.line, 0))
            self.plan.changes.append(
                Change(
                    "append-entry",
                    rel,
                    [pad + mark(self.mark_name, header_text(header)), *header],
                    kb_file=kb_file,
                    section="vendors",
                )
            )

    def source_entry(self) -> None:
        found = self.kb.get(self.source_id)
        if isinstance(found, Source):
            return
        if found is not None:
            message = f"the figures' source {self.source_id!r} is a {found.type}, not a source"
            self.plan.problems.append(Problem.at(found.location, f"{message} (set 'source:' in {self.mapping.path})"))
            return
        rel = SOURCES_FILE.format(dataset=self.dataset.name)
        kb_file = self.files.get(rel)
        header = [f"  - id: {self.source_id}"] + [
            f"    {key}: {scalar(value)}" for key, value in self.dataset.source.fields
        ]
        self.plan.event("add-source", f"{self.source_id} ({dict(self.dataset.source.fields)['title']}), in {rel}")
        self.plan.changes.append(
            Change(
                "append-entry",
                rel,
                ["  " + mark(self.mark_name, header_text(header)), *header],
                kb_file=kb_file,
                section="sources",
            )
        )

    # -- what the importer wrote earlier and the snapshot no longer says --

    def stale(self, used: set[tuple[str, str, str]], kept_chips: set[str]) -> None:
        locators = {f.locator: row for row in self.rows for f in row.figures}
        for chip in self.kb.chips:
            span = self.chip_span(chip)
            if span is None:
                continue
            kb_file, entry = span
            if chip.id not in kept_chips and entry.owner == self.mark_name and self.chip_removable(chip, entry):
                continue  # removed whole, below
            for item in entry.items:
                if item.owner != self.mark_name:
                    continue
                key = (chip.id, item.fields.get("name", ""), item.fields.get("locator", ""))
                if key in used:
                    continue
                why = self.why_gone(locators.get(key[2]), chip.id)
                value = shown(
                    _number(item.fields.get("value")), item.fields.get("unit", ""), item.fields.get("status", "stated")
                )
                self.plan.event("remove-figure", f"{chip.id} {key[1]} {value} ({key[2]}): {why}")
                self.plan.changes.append(Change("delete-item", kb_file.rel, kb_file=kb_file, entry=entry, item=item))

    def why_gone(self, row: Row | None, chip_id: str) -> str:
        if row is None:
            return "the snapshot no longer states it"
        status = self.row_status.get(row.key, "")
        if status == "skipped":
            return f"row {row.key!r} is skipped now"
        if status == "mapped":
            target = self.targets[row.key]
            if target.chip_id != chip_id:
                return f"row {row.key!r} maps to {target.chip_id} now"
            return "left out now"
        return f"row {row.key!r} cannot be mapped now"

    def chip_removable(self, chip: Chip, entry: Entry) -> bool:
        return all(item.owner == self.mark_name for item in entry.items) and not self.claims_about(chip.id)

    def claims_about(self, entity_id: str) -> list[str]:
        return [c.id for c in self.kb.claims if entity_id in c.subjects]

    def stale_chips(self, kept: set[str]) -> None:
        for chip in self.kb.chips:
            span = self.chip_span(chip)
            if span is None or chip.id in kept or span[1].owner != self.mark_name:
                continue
            kb_file, entry = span
            row = next((r for r in self.rows if r.name == chip.name), None)
            why = self.why_gone(row, chip.id) if row else "its row is no longer in the snapshot"
            if self.chip_removable(chip, entry):
                self.plan.event("remove-chip", f"{chip.id} ({chip.name}) in {kb_file.rel}: {why}")
                self.plan.changes.append(Change("delete-entry", kb_file.rel, kb_file=kb_file, entry=entry))
            else:
                reasons = []
                if any(item.owner != self.mark_name for item in entry.items):
                    reasons.append("it holds figures the importer did not write")
                claims = self.claims_about(chip.id)
                if claims:
                    reasons.append(f"claims are about it ({', '.join(claims[:3])})")
                self.plan.event("kept-chip", f"kept chip {chip.id} ({chip.name}): {why}, but {' and '.join(reasons)}")

    def stale_vendors(self, references: set[str]) -> None:
        for vendor in self.kb.vendors:
            span = self.entry_at.get((vendor.location.path, vendor.location.line))
            if span is None or span[1].owner != self.mark_name or vendor.id in references:
                continue
            self.plan.event("remove-vendor", f"{vendor.id} ({vendor.name}) in {span[0].rel}: none of its chips is left")
            self.plan.changes.append(Change("delete-entry", span[0].rel, kb_file=span[0], entry=span[1]))

    def header_updates(self, target: _Target) -> None:
        chip = self.kb.get(target.chip_id)
        if not isinstance(chip, Chip):
            return
        span = self.chip_span(chip)
        if span is None or span[1].owner != self.mark_name:
            return
        kb_file, entry = span
        if entry.specs_key is not None and entry.specs_last != entry.last:
            return  # not laid out as the importer writes it
        end = entry.specs_key if entry.specs_key is not None else entry.last + 1
        current = [line.rstrip("\r\n") for line in kb_file.lines[entry.first : end]]
        wanted = self.chip_header(target, entry.indent)
        if current == wanted:
            return
        self.plan.event(
            "update-chip", f"{chip.id} ({chip.name}): {_header_diff(current, wanted)}", (target.row.line, 0)
        )
        self.plan.changes.append(
            Change(
                "replace-header",
                kb_file.rel,
                [" " * entry.indent + mark(self.mark_name, header_text(wanted)), *wanted],
                kb_file=kb_file,
                entry=entry,
            )
        )

    # -- all of it --

    def make(self) -> Plan:
        self.check_leave_out_columns()
        for key, rule in self.mapping.rows.items():
            if not any(row.key == key for row in self.rows):
                names = [row.key for row in self.rows]
                self.plan.event("mapping", f"{rule.where}: no row {key!r} in this snapshot{did_you_mean(key, names)}")
        self.resolve_vendors()
        self.resolve_chips()
        if self.plan.problems:
            return self.plan
        self.source_entry()
        used: set[tuple[str, str, str]] = set()
        kept_chips: set[str] = set()
        references: set[str] = set()
        for row in self.rows:
            target = self.targets.get(row.key)
            if target is None:
                continue
            wanted = self.desired(target)
            kept_chips.add(target.chip_id)
            references.add(target.vendor_id)
            if target.new:
                self.new_chip(target, wanted)
            else:
                self.header_updates(target)
                self.existing_chip(target, wanted, used)
        self.stale(used, kept_chips)
        self.stale_chips(kept_chips)
        removed = {c.entry.id for c in self.plan.changes if c.kind == "delete-entry" and c.entry}
        for entity in self.kb.entities.values():
            if entity.id in removed:
                continue
            if isinstance(entity, Chip):
                references |= {entity.vendor, entity.foundry}
            elif isinstance(entity, Vendor):
                references.add(entity.parent)
            elif isinstance(entity, Claim):
                references |= set(entity.subjects)
        for target in self.targets.values():
            references.add(self.foundry(target.row))
        self.vendor_entries(references)
        self.stale_vendors(references)
        self.plan.events.sort(key=lambda e: e.where)
        return self.plan


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _header_diff(current: list[str], wanted: list[str]) -> str:
    gone = [line.strip() for line in current if line not in wanted]
    added = [line.strip() for line in wanted if line not in current]
    return "; ".join([*(f"was {g}" for g in gone), *(f"now {a}" for a in added)])


def make_plan(
    dataset: Dataset,
    rows: list[Row],
    kb: KnowledgeBase,
    files: dict[str, KBFile],
    mapping: Mapping,
    csv_path: str,
) -> Plan:
    """What importing `rows` would change in `kb` (whose files are `files`), and what to report."""
    return _Planner(dataset, rows, kb, files, mapping, csv_path).make()
