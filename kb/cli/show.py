"""Show one entity with its references resolved: a chip's vendor and each figure's source,
a claim's source (title, url) and subjects. An unknown id exits 1 with a "did you mean" line."""

from __future__ import annotations

import argparse
import sys

from kb.cli.common import NotFound, add_kb_argument, find_entity, kb_root, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the entity's id, name or alias (any case)")
    add_kb_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the fields as loaded plus resolved names")


def run(args: argparse.Namespace) -> int:
    from kb.notes.show_text import render_entity
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible
    from kb.views.describe import entity_fields, resolved

    kb = load_kb(kb_root(args))
    try:
        entity = find_entity(kb, args.id)
    except NotFound as error:
        print(visible(f"chipkb: {error}"), file=sys.stderr)
        return 1
    if args.json:
        print_json({**entity_fields(entity), "resolved": resolved(kb, entity)})
    else:
        print(visible(render_entity(kb, entity)))
    return 0
