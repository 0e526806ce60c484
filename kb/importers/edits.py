"""Turning a plan's changes into the new text of each file, line by line.

Lines the importer does not own are copied as they are: a change inserts after a line, replaces
or deletes only the lines of a figure or entry that bears the importer's intact mark
(kb.importers.yamltext). New files start with the `yaml-language-server` line of the KB's other
files and a comment saying who wrote them. A file the importer created (`imported-*.yaml`) that
is left without entries is deleted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.importers.plan import FILE_NOTE, Change, Plan, schema_line
from kb.importers.yamltext import Entry, KBFile, mark
from kb.store.model import Problem
from kb.store.yamlread import SafeLoader

SECTION_ORDER = ("vendors", "chips", "sources", "claims")


@dataclass
class _Lines:
    """The edits of one existing file, applied together."""

    kb_file: KBFile
    deleted: set[int] = field(default_factory=set)
    replaced: dict[int, tuple[int, list[str]]] = field(default_factory=dict)
    after: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def render(self) -> str:
        source = [line.rstrip("\r\n") for line in self.kb_file.lines]
        out: list[str] = list(self.after.get(-1, []))
        index = 0
        while index < len(source):
            if index in self.replaced:
                end, lines = self.replaced[index]
                out.extend(lines)
                for skipped in range(index, end + 1):
                    out.extend(self.after.get(skipped, []))
                index = end + 1
                continue
            if index not in self.deleted:
                out.append(source[index])
            out.extend(self.after.get(index, []))
            index += 1
        newline = self.kb_file.newline
        ends_with_newline = self.kb_file.text.endswith(("\n", "\r"))
        text = newline.join(out) + (newline if ends_with_newline or not out else "")
        return ("\ufeff" if self.kb_file.bom else "") + text


def render_files(plan: Plan, kb_root: Path, files: dict[str, KBFile]) -> tuple[dict[str, str | None], list[Problem]]:
    """rel path -> the file's new text (None: delete it), for every file the plan changes."""
    by_file: dict[str, list[Change]] = defaultdict(list)
    for change in plan.changes:
        by_file[change.rel].append(change)
    texts: dict[str, str | None] = {}
    problems: list[Problem] = []
    for rel, changes in sorted(by_file.items()):
        kb_file = files.get(rel)
        if kb_file is None:
            texts[rel] = _new_file(kb_root, files, rel, changes)
            continue
        text = _edit(kb_file, changes, problems, plan.dataset.name)
        if text is None:
            continue
        if text.encode() != kb_file.data:
            texts[rel] = None if _nothing_left(rel, text) else text
    return texts, problems


def _new_file(kb_root: Path, files: dict[str, KBFile], rel: str, changes: list[Change]) -> str:
    sections: dict[str, list[list[str]]] = defaultdict(list)
    for change in changes:
        sections[change.section].append(change.lines)
    lines = [schema_line(kb_root, files, rel), *FILE_NOTE.rstrip("\n").split("\n")]
    for section in SECTION_ORDER:
        if section not in sections:
            continue
        lines.append(f"{section}:")
        for number, entry in enumerate(sections[section]):
            if number:
                lines.append("")
            lines.extend(entry)
    return "\n".join(lines) + "\n"


def _edit(kb_file: KBFile, changes: list[Change], problems: list[Problem], dataset: str) -> str | None:
    edit = _Lines(kb_file)
    lines = kb_file.lines
    inserted: dict[int, int] = defaultdict(int)  # entry first line -> figures inserted
    removed: dict[int, int] = defaultdict(int)  # entry first line -> figures deleted
    entries: dict[int, Entry] = {}
    for change in changes:
        entry, item = change.entry, change.item
        if change.kind == "replace-line" and item is not None:
            line = lines[item.first].rstrip("\r\n")
            prefix = line[: line.index(item.content)]
            content = change.lines[0]
            edit.replaced[item.first] = (item.first, [f"{prefix}{content}  {mark(dataset, content)}"])
        elif change.kind == "delete-item" and item is not None and entry is not None:
            edit.deleted.add(item.first)
            removed[entry.first] += 1
            entries[entry.first] = entry
        elif change.kind == "insert-figures" and entry is not None:
            entries[entry.first] = entry
            inserted[entry.first] += len(change.lines)
            anchor, pad, head = _figure_anchor(kb_file, entry)
            edit.after[anchor].extend(
                head + [f"{pad}- {content}  {mark(dataset, content)}" for content in change.lines]
            )
        elif change.kind == "append-entry":
            section = kb_file.sections.get(change.section)
            if section is None:
                last = len(lines) - 1
                edit.after[last].extend(["", f"{change.section}:", *change.lines])
            elif section.style == "block":
                edit.after[section.last].extend(["", *change.lines])
            elif section.style == "empty":
                edit.after[section.key_line].extend(change.lines)
            else:
                problems.append(
                    Problem(
                        kb_file.display,
                        section.key_line + 1,
                        1,
                        f"cannot add to section {change.section!r}: write it as a block list ('- id: ...' lines)",
                    )
                )
                return None
        elif change.kind == "replace-header" and entry is not None:
            start = entry.mark_line if entry.mark_line is not None else entry.first
            end = (entry.specs_key - 1) if entry.specs_key is not None else entry.last
            edit.replaced[start] = (end, change.lines)
        elif change.kind == "delete-entry" and entry is not None:
            start = entry.mark_line if entry.mark_line is not None else entry.first
            edit.deleted.update(range(start, entry.last + 1))
            if entry.last + 1 < len(lines) and not lines[entry.last + 1].strip():
                edit.deleted.add(entry.last + 1)
            elif start > 0 and not lines[start - 1].strip():
                edit.deleted.add(start - 1)
    for first, entry in entries.items():
        if removed[first] and not inserted[first] and removed[first] == len(entry.items):
            # a `specs:` with no figures left is no list: take the key out with them
            assert entry.specs_key is not None and entry.specs_last is not None
            edit.deleted.update(range(entry.specs_key, entry.specs_last + 1))
    return edit.render()


def _figure_anchor(kb_file: KBFile, entry: Entry) -> tuple[int, str, list[str]]:
    """After which line new figures go, their indentation, and a `specs:` line when there is none."""
    if entry.specs_style == "block" and entry.items and entry.specs_last is not None:
        first_item = kb_file.lines[entry.items[0].first]
        return entry.specs_last, " " * (len(first_item) - len(first_item.lstrip(" "))), []
    pad = " " * (entry.key_indent + 2)
    if entry.specs_style == "empty" and entry.specs_key is not None:
        return entry.specs_key, pad, []
    return entry.last, pad, [" " * entry.key_indent + "specs:"]


def _nothing_left(rel: str, text: str) -> bool:
    """Whether an importer's file holds no entries any more (so it can go)."""
    if not Path(rel).name.startswith("imported-"):
        return False
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and all(not data.get(section) for section in data)
