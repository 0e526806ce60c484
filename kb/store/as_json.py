"""Loaded entities and problems as plain JSON values, and back: how a cache of a loaded KB is kept.

JSON, never pickle: reading a cache must not run code, whoever wrote the file.  Reading checks
every value's type against the entity's own fields, so a damaged or hand-made file raises
ValueError (or gives back exactly the entities written), never an object of another class.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kb.store.model import ENTITY_CLASSES, Entity, Link, Location, Problem, Spec


def _place(location: Location | None) -> list[Any] | None:
    return None if location is None else [location.path, location.line, location.col]


def _location(value: Any) -> Location:
    if not (isinstance(value, list) and len(value) == 3):
        raise ValueError("a location is [path, line, column]")
    path, line, col = value
    if not (isinstance(path, str) and type(line) is int and type(col) is int):
        raise ValueError("a location is [path, line, column]")
    return Location(path, line, col)


def _optional_location(value: Any) -> Location | None:
    return None if value is None else _location(value)


def _spec(spec: Spec) -> dict[str, Any]:
    return {**{f.name: getattr(spec, f.name) for f in _SPEC_FIELDS}, "location": _place(spec.location)}


def _link(link: Link) -> list[Any]:
    return [link.claim, link.reason, _place(link.location)]


def entity_to_json(entity: Entity) -> dict[str, Any]:
    """An entity as a JSON value: its type, its fields, and where each was written."""
    out: dict[str, Any] = {"type": entity.type}
    for name in _fields(type(entity)):
        value = getattr(entity, name)
        if name == "location":
            out[name] = _place(value)
        elif name == "where":
            out[name] = {field: _place(place) for field, place in value.items()}
        elif name == "specs":
            out[name] = [_spec(spec) for spec in value]
        elif name in ("supports", "contradicts"):
            out[name] = [_link(link) for link in value]
        else:
            out[name] = value
    return out


_SPEC_FIELDS = [f for f in dataclasses.fields(Spec) if f.name != "location"]
_SPEC_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "unit": (str,),
    "source": (str,),
    "value": (int, float, type(None)),
    "status": (str,),
    "locator": (str,),
    "note": (str,),
}


#: The list fields whose items are numbers; every other list field holds text.
_LISTS_OF_NUMBERS = {"acknowledged_defects"}


def _checked(value: Any, default: Any, name: str) -> Any:
    """`value` when it has the type of the field's default (a list: of text, or of numbers)."""
    if isinstance(default, list):
        item_type = int if name in _LISTS_OF_NUMBERS else str
        if not isinstance(value, list) or not all(type(item) is item_type for item in value):
            raise ValueError(f"field {name!r} must be a list of {item_type.__name__}")
        return value
    if type(value) is not type(default):
        raise ValueError(f"field {name!r} must be a {type(default).__name__}")
    return value


def _fields(cls: type[Entity]) -> dict[str, Any]:
    """Each field of an entity class with its default (the id's: "", the location's: None)."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = {
            f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            for f in dataclasses.fields(cls)
        }
        found["id"] = ""
    return found


_FIELDS: dict[type[Entity], dict[str, Any]] = {}


def _spec_from(value: Any) -> Spec:
    if not isinstance(value, dict) or set(value) != {*_SPEC_TYPES, "location"}:
        raise ValueError("a figure has the fields of a Spec")
    for name, types in _SPEC_TYPES.items():
        if type(value[name]) not in types:
            raise ValueError(f"a figure's {name!r} has the wrong type")
    return Spec(**{name: value[name] for name in _SPEC_TYPES}, location=_optional_location(value["location"]))


def _link_from(value: Any) -> Link:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[1], str)):
        raise ValueError("a link is [claim, reason, location]")
    return Link(value[0], value[1], _optional_location(value[2]))


def entity_from_json(value: Any) -> Entity:
    """The entity `entity_to_json` wrote; raises ValueError for anything else."""
    if not isinstance(value, dict):
        raise ValueError("an entity is a mapping")
    cls = ENTITY_CLASSES.get(value.get("type"))  # type: ignore[arg-type]
    if cls is None:
        raise ValueError("unknown entity type")
    fields = _fields(cls)
    if value.keys() - {"type"} != fields.keys():
        raise ValueError(f"a {cls.type} has other fields")
    kwargs: dict[str, Any] = {}
    for name, default in fields.items():
        item = value[name]
        if name == "location":
            kwargs[name] = _location(item)
        elif name == "where":
            if not isinstance(item, dict):
                raise ValueError("'where' is a mapping")
            kwargs[name] = {str(key): _location(place) for key, place in item.items()}
        elif name in ("specs", "supports", "contradicts"):
            if not isinstance(item, list):
                raise ValueError(f"field {name!r} must be a list")
            kwargs[name] = [_spec_from(spec) if name == "specs" else _link_from(spec) for spec in item]
        else:
            kwargs[name] = _checked(item, default, name)
    return cls(**kwargs)


def problem_to_json(problem: Problem) -> list[Any]:
    return [problem.path, problem.line, problem.col, problem.message, problem.severity]


def problem_from_json(value: Any) -> Problem:
    if not (isinstance(value, list) and len(value) == 5):
        raise ValueError("a problem is [path, line, column, message, severity]")
    path, line, col, message, severity = value
    if not (isinstance(path, str) and type(line) is int and type(col) is int):
        raise ValueError("a problem is [path, line, column, message, severity]")
    if not (isinstance(message, str) and severity in ("error", "warning", "info")):
        raise ValueError("a problem is [path, line, column, message, severity]")
    return Problem(path, line, col, message, severity)
