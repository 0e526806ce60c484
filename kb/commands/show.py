"""Show one entity with its references resolved: a chip's vendor and each figure's source,
a claim's source (title, url) and subjects. An unknown id exits 1 with a "did you mean" line."""

from __future__ import annotations

import argparse
import sys

from kb.commands.common import add_kb_argument, did_you_mean, kb_root, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the entity's id")
    add_kb_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the fields as loaded plus resolved names")


def run(args: argparse.Namespace) -> int:
    from kb.describe import entity_fields, resolved
    from kb.knowledge import load_kb
    from kb.show_text import render_entity
    from kb.terminal_safe import visible

    kb = load_kb(kb_root(args))
    entity = kb.get(args.id)
    if entity is None:
        hint = did_you_mean(args.id, list(kb.entities))
        print(visible(f"chipkb: no entity with id {args.id!r}" + (f"; {hint}" if hint else "")), file=sys.stderr)
        return 1
    if args.json:
        print_json({**entity_fields(entity), "resolved": resolved(kb, entity)})
    else:
        print(visible(render_entity(kb, entity)))
    return 0
