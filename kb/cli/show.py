"""Show one entity with its references resolved: a chip's vendor and each figure's source,
a claim's source (title, url) and subjects. An unknown id exits 1 with a "did you mean" line."""

from __future__ import annotations

import argparse
import sys

from kb.cli.common import add_kb_argument, kb_root, print_json
from kb.text.suggest import did_you_mean


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the entity's id")
    add_kb_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the fields as loaded plus resolved names")


def run(args: argparse.Namespace) -> int:
    from kb.notes.show_text import render_entity
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible
    from kb.views.describe import entity_fields, resolved

    kb = load_kb(kb_root(args))
    entity = kb.get(args.id)
    if entity is None:
        hint = did_you_mean(args.id, kb.entities, n=3)
        print(visible(f"chipkb: no entity with id {args.id!r}{hint}"), file=sys.stderr)
        return 1
    if args.json:
        print_json({**entity_fields(entity), "resolved": resolved(kb, entity)})
    else:
        print(visible(render_entity(kb, entity)))
    return 0
