"""Show one entity with its references resolved: a chip's vendor and each figure's source,
a claim's source (title, url) and subjects. An unknown id exits 1 with a "did you mean" line
(with --json, a JSON error object). --format json gives the fields as loaded, the file and line
the entity is written at, and the resolved names; jsonl the same object on one line."""

from __future__ import annotations

import argparse

from kb.cli.common import add_kb_argument, find_entity, kb_root
from kb.cli.output import add_format_argument, print_records


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the entity's id, name or alias (any case)")
    add_kb_argument(parser)
    add_format_argument(parser, ("table", "json", "jsonl"), table="the entity as text")


def run(args: argparse.Namespace) -> int:
    from kb.notes.show_text import render_entity
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible
    from kb.views.describe import entity_fields, resolved

    kb = load_kb(kb_root(args))
    entity = find_entity(kb, args.id)
    shown = {
        **entity_fields(entity),
        "path": entity.location.path,
        "line": entity.location.line,
        "resolved": resolved(kb, entity),
    }
    if not print_records(args.format, [shown], (), shown):
        print(visible(render_entity(kb, entity)))
    return 0
