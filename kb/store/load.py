"""Loading a KB folder: every `*.yaml` file read safely, every valid entity kept, every problem listed.

A KB file is a mapping whose keys are sections (`vendors`, `chips`, `sources`, `claims`), each a
list of entities.  Field-level problems drop only the entity that has them; cross-entity checks
(ids, references, excerpts) live in `kb.store.validate` and run on what loaded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.store import schema
from kb.store.bulk import cycle_collection_paused
from kb.store.model import ENTITY_CLASSES, Entity, Link, Location, Problem, Source, Spec
from kb.store.scan import FileRead, Refused, read_regular, scan_kb
from kb.store.yamlread import Limits, decode_text, describe_os_error, node_location, read_yaml, scalar_value
from kb.text.slugs import is_slug
from kb.text.suggest import did_you_mean


@dataclass
class LoadedFiles:
    """What reading the files gave: entities in file order, problems, and the files read."""

    entities: list[Entity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: When a dict: what was read of each file (YAML and text files), by its path, with the stat
    #: and hash of those very bytes (the search index records them; see kb.store.scan.read_regular).
    reads: dict[str, FileRead] | None = None


def display_path(kb_root: Path, file: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it (and as
    given when the working folder is gone)."""
    try:
        return str(file.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(file)


def kb_files(kb_root: Path, problems: list[Problem]) -> list[Path]:
    """Every KB file under `kb_root` (see kb.store.scan); one leading outside it, and what the scan
    could not read (a FIFO, a symbolic link loop, an unreadable folder), are problems."""
    scan = scan_kb(kb_root)
    for rel in scan.outside:
        where = display_path(kb_root, kb_root / rel)
        problems.append(Problem(where, 1, 1, "symlink points outside the KB folder; not read"))
    for rel, message, severity in scan.skipped:
        problems.append(Problem(display_path(kb_root, kb_root / rel), 1, 1, message, severity))
    return [kb_root / rel for rel in scan.yaml]


class _EntityReader:
    """Turns one entity's mapping node into an entity, collecting field problems."""

    def __init__(self, path: str, file: Path, kb_root: Path, problems: list[Problem], limits: Limits) -> None:
        self.path = path
        self.file = file
        self.kb_root = kb_root
        self.problems = problems
        self.limits = limits
        self.reads: dict[str, FileRead] | None = None

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem.at(node_location(self.path, node), message))

    def mapping_items(self, node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """Keys and values of a mapping; duplicate and non-string keys are problems."""
        seen: dict[str, yaml.Node] = {}
        items = []
        for key_node, value_node in node.value:
            key = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.report(key_node, "keys must be field names (plain strings)")
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.report(key_node, f"duplicate key {key!r} (first at line {first})")
                continue
            seen[key] = key_node
            items.append((key, key_node, value_node))
        return items

    def read(self, entity_type: str, node: yaml.Node) -> Entity | None:
        """The entity, or None when its id or a required field is missing or wrong.

        A wrong optional field, unknown field or bad figure is reported and left out, and the
        entity is kept, so one typo does not hide the entity and every later check still runs.
        """
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"each entry under {schema.SECTION_OF[entity_type]!r} must be a mapping")
            return None
        fields = schema.fields_of(entity_type)
        values: dict[str, object] = {}
        where: dict[str, Location] = {}
        for key, key_node, value_node in self.mapping_items(node):
            spec = fields.get(key)
            if spec is None:
                self.report(key_node, f"unknown field {key!r} for a {entity_type}{did_you_mean(key, fields)}")
                continue
            value = self.value(spec, value_node)
            if spec.required and _is_empty(value):
                self.report(value_node, f"field {key!r} is empty: a {entity_type} needs it")
                continue
            if value is not None:
                values[key] = value
                where[key] = node_location(self.path, value_node)
        if "id" in values and not self._usable_id(str(values["id"]), where["id"]):
            return None
        present = _keys(node)
        for spec in fields.values():
            if spec.required and spec.name not in present:
                self.report(node, f"missing required field {spec.name!r} for a {entity_type}")
        if any(spec.required and spec.name not in values for spec in fields.values()):
            return None
        entity_id = str(values.pop("id"))
        entity_class = ENTITY_CLASSES[entity_type]
        entity = entity_class(id=entity_id, location=node_location(self.path, node), where=where, **values)
        if isinstance(entity, Source):
            entity.text_path = self.path
            entity.text_first_line = entity.place("text").line + 1
            if not self._read_text_file(entity):
                return None
        return entity

    def _usable_id(self, entity_id: str, where: Location) -> bool:
        """An id can become a file name everywhere (an export writes one per entity)."""
        if len(entity_id) > schema.MAX_ID_LENGTH:
            message = f"field 'id' is {len(entity_id)} characters long; an id has at most {schema.MAX_ID_LENGTH}"
        elif entity_id in schema.WINDOWS_RESERVED:
            message = f"field 'id' cannot be {entity_id!r}: Windows reserves that name for a device"
        else:
            return True
        self.problems.append(Problem.at(where, message))
        return False

    def value(self, spec: schema.Field, node: yaml.Node) -> object | None:
        """The checked value of one field, or None after reporting why it is wrong."""
        kind = spec.kind
        if kind == "specs":
            return self.specs(node)
        if kind == "links":
            return self.links(spec.name, node)
        if kind == "lines":
            return self.lines(spec.name, node)
        if kind in ("refs", "strings"):
            if not isinstance(node, yaml.SequenceNode):
                self.report(node, f"field {spec.name!r} must be a list")
                return None
            items = []
            for item in node.value:
                value = self.scalar(spec, item, "slug" if kind == "refs" else "text")
                if value is not None:
                    items.append(value)
            return items
        return self.scalar(spec, node, kind)

    def lines(self, name: str, node: yaml.Node) -> list[int] | None:
        """A list of line numbers (1 or more)."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"field {name!r} must be a list of line numbers")
            return None
        numbers = []
        for item in node.value:
            value = scalar_value(item) if isinstance(item, yaml.ScalarNode) else None
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.report(item, f"field {name!r} holds line numbers (1 or more), not {_describe(value)}")
                continue
            numbers.append(value)
        return numbers

    def links(self, name: str, node: yaml.Node) -> list[Link] | None:
        """`supports` or `contradicts`: each item a claim's id and the one-line reason it is linked."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f'field {name!r} must be a list of {{claim: ID, reason: "..."}}')
            return None
        links = []
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                shown = _describe(scalar_value(item))
                self.report(item, f'a link in {name!r} needs a reason: write {{claim: {shown}, reason: "why"}}')
                continue
            if not isinstance(item, yaml.MappingNode):
                self.report(item, f'each link in {name!r} must be a mapping {{claim: ID, reason: "..."}}')
                continue
            values: dict[str, object] = {}
            for key, key_node, value_node in self.mapping_items(item):
                part = _LINK_FIELDS.get(key)
                if part is None:
                    self.report(key_node, f"unknown field {key!r} for a link" + did_you_mean(key, _LINK_FIELDS))
                    continue
                value = self.scalar(part, value_node, part.kind)
                if value is not None:
                    values[key] = value
            missing = [key for key in _LINK_FIELDS if key not in _keys(item)]
            if missing:
                self.report(item, f"a link in {name!r} needs {' and '.join(repr(k) for k in missing)}")
                continue
            reason = str(values.get("reason", ""))
            if "claim" not in values or "reason" not in values:
                continue  # reported by scalar()
            if not reason.strip() or "\n" in reason.strip():
                self.report(item, f"a link's reason is one line of text, not {_describe(reason)}")
                continue
            links.append(Link(str(values["claim"]), reason.strip(), node_location(self.path, item)))
        return links

    def scalar(self, spec: schema.Field, node: yaml.Node, kind: str) -> object | None:
        name = spec.name
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"field {name!r} must be a single value, not a {_shape(node)}")
            return None
        value = scalar_value(node)
        if kind == "date":
            return self.date(name, node, value)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.report(node, f"field {name!r} must be a number, not {_describe(value)}{_number_hint(value)}")
                return None
            # compared, never converted: an integer of 309 digits has no float, and NaN is in no range
            if not schema.FIGURE_MIN <= value <= schema.FIGURE_MAX:
                self.report(node, f"field {name!r} must be a number {schema.FIGURE_RANGE_TEXT}, not {_describe(value)}")
                return None
            return value
        if value is None:
            self.report(node, f"field {name!r} is empty")
            return None
        if kind in ("slug", "ref"):
            if not isinstance(value, str) or not is_slug(value):
                self.report(
                    node, f"field {name!r} must be an id (a lowercase slug like 'trainium2'), not {_describe(value)}"
                )
                return None
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report(node, f"field {name!r} must be text, not {_describe(value)}")
            return None
        text = value if isinstance(value, str) else str(node.value)
        if kind == "enum" and text not in spec.choices:
            self.report(
                node,
                f"field {name!r} must be one of {', '.join(spec.choices)}; not {text!r}"
                + did_you_mean(text, spec.choices),
            )
            return None
        return text

    def date(self, name: str, node: yaml.ScalarNode, value: object) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            self.report(node, f'field {name!r} must be a date written as text: quote it, {name}: "{value}"')
            return None
        text = value if isinstance(value, str) else ""
        match = schema.DATE.match(text)
        if match:
            year, month, day = match.groups()
            try:
                dt.date(int(year), int(month or 1), int(day or 1))
                return text
            except ValueError:
                pass
        self.report(node, f"field {name!r} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {_describe(value)}")
        return None

    def specs(self, node: yaml.Node) -> list[Spec] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, "field 'specs' must be a list of figures")
            return None
        fields = {f.name: f for f in schema.SPEC_FIELDS}
        specs = []
        for item in node.value:
            spec = self.spec(item, fields)
            if spec is not None:
                specs.append(spec)
        return specs

    def spec(self, item: yaml.Node, fields: dict[str, schema.Field]) -> Spec | None:
        """One figure, or None (reported) when any part of it is wrong."""
        if not isinstance(item, yaml.MappingNode):
            self.report(item, "each figure under 'specs' must be a mapping with name, value, unit and source")
            return None
        before = len(self.problems)
        values: dict[str, object] = {}
        for key, key_node, value_node in self.mapping_items(item):
            spec_field = fields.get(key)
            if spec_field is None:
                self.report(key_node, f"unknown field {key!r} for a figure{did_you_mean(key, fields)}")
                continue
            value = self.value(spec_field, value_node)
            if value is not None:
                values[key] = value
        present = _keys(item)
        for spec_field in fields.values():
            if spec_field.required and spec_field.name not in present:
                self.report(item, f"missing required field {spec_field.name!r} for a figure")
        status = values.get("status", "stated")
        if status in ("stated", "estimate") and "value" not in present:
            self.report(
                item,
                f"a{'n estimated' if status == 'estimate' else ''} figure needs a 'value' (or 'status: not-disclosed')",
            )
        if status == "not-disclosed" and "value" in present:
            self.report(item, "a not-disclosed figure cannot have a 'value'")
        if len(self.problems) > before:
            return None
        return Spec(location=node_location(self.path, item), **values)  # type: ignore[arg-type]

    def _read_text_file(self, source: Source) -> bool:
        """Read a source's sibling text file, which must stay inside the KB folder."""
        if not source.text_file:
            return True
        node_place = source.place("text_file")
        if source.text:
            self.problems.append(Problem.at(node_place, "give either 'text' or 'text_file', not both"))
            return False
        # realpath, not Path.resolve: a symbolic link loop must be a problem, not a RuntimeError
        target = Path(os.path.realpath(self.file.parent / source.text_file))
        if not target.is_relative_to(os.path.realpath(self.kb_root)):
            self.problems.append(Problem.at(node_place, f"text_file {source.text_file!r} is outside the KB folder"))
            return False
        try:
            read = read_regular(target, self.limits.max_file_bytes, digest=self.reads is not None)
        except Refused as refused:
            self.problems.append(Problem.at(node_place, f"text_file {source.text_file!r} is {refused}"))
            return False
        except OSError as error:
            reason = describe_os_error(error)
            self.problems.append(Problem.at(node_place, f"cannot read text_file {source.text_file!r}: {reason}"))
            return False
        if self.reads is not None:
            self.reads[os.fspath(target)] = read.without_data()
        text_path = display_path(self.kb_root, target)
        text, problem = decode_text(read.data, text_path)
        if problem is not None:
            self.problems.append(problem)
            return False
        source.text = strip_front_matter(text or "")
        source.text_path = text_path
        source.text_first_line = 1 + (text or "").count("\n") - source.text.count("\n")
        return True


def strip_front_matter(text: str) -> str:
    """Drop a leading `---` front-matter block, whose fields the source's YAML carries."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


_LINK_FIELDS = {
    "claim": schema.Field("claim", "slug", "The claim linked to."),
    "reason": schema.Field("reason", "text", "Why the link holds, in one line."),
}


def _keys(node: yaml.MappingNode) -> set[str]:
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _shape(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "single value"
    return "list" if isinstance(node, yaml.SequenceNode) else "mapping"


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"an integer of {len(str(abs(value)))} digits"
    return f"{type(value).__name__} {value!r}"


_EXPONENT = re.compile(r"([-+]?)([0-9]+)(?:\.([0-9]*))?[eE]([-+]?)([0-9]+)")


def _number_hint(value: object) -> str:
    """For a number YAML 1.1 reads as text (`1.0e308`, `2e3`: an exponent needs a dot and a sign),
    how to write it so it is read as a number."""
    match = _EXPONENT.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return ""
    sign, whole, fraction, exponent_sign, exponent = match.groups()
    written = f"{sign}{whole}.{fraction or 0}e{exponent_sign or '+'}{exponent}"
    return f" (YAML reads {value.strip()!r} as text: write {written}, with a dot and a signed exponent)"


def _is_empty(value: object) -> bool:
    """A required field given as "", blank text or an empty list."""
    return value == [] or (isinstance(value, str) and not value.strip())


def read_file(file: Path, kb_root: Path, limits: Limits, into: LoadedFiles) -> None:
    """Read one KB file's entities into `into`."""
    path = display_path(kb_root, file)
    node, problems = read_yaml(file, path, limits, into.reads)
    into.problems.extend(problems)
    if node is None:
        if not problems:
            into.problems.append(
                Problem(path, 1, 1, "file is empty: it holds no vendors, chips, sources or claims", "warning")
            )
        return
    if not isinstance(node, yaml.MappingNode):
        into.problems.append(
            Problem.at(
                node_location(path, node),
                f"the top level must be a mapping of vendors, chips, sources or claims, not a {_shape(node)}",
            )
        )
        return
    reader = _EntityReader(path, file, kb_root, into.problems, limits)
    reader.reads = into.reads
    for section, key_node, value_node in reader.mapping_items(node):
        entity_type = schema.TYPE_OF_SECTION.get(section)
        if entity_type is None:
            known = ", ".join(schema.TYPE_OF_SECTION)
            into.problems.append(
                Problem.at(
                    node_location(path, key_node),
                    f"unknown section {section!r} (use {known}){did_you_mean(section, schema.TYPE_OF_SECTION)}",
                )
            )
            continue
        if isinstance(value_node, yaml.ScalarNode) and scalar_value(value_node) is None:
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            into.problems.append(Problem.at(node_location(path, value_node), f"section {section!r} must be a list"))
            continue
        for item in value_node.value:
            entity = reader.read(entity_type, item)
            if entity is not None:
                into.entities.append(entity)


def read_kb_files(kb_root: Path, limits: Limits | None = None) -> LoadedFiles:
    """Read every KB file under `kb_root`; never raises for anything inside the folder."""
    loaded = LoadedFiles()
    loaded.files = kb_files(kb_root, loaded.problems)
    read_files(loaded.files, kb_root, limits or Limits.from_environment(), loaded)
    return loaded


def read_files(files: list[Path], kb_root: Path, limits: Limits, into: LoadedFiles) -> None:
    """Read `files`, in order, into `into` (see kb.store.bulk for why the collector is paused)."""
    with cycle_collection_paused():
        for file in files:
            read_file(file, kb_root, limits, into)
