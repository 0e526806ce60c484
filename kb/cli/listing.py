"""List the KB's entities: one `id  title` line each, or JSON {id, type, title}."""

from __future__ import annotations

import argparse

from kb.cli.common import add_kb_argument, kb_root, print_json
from kb.store.schema import ENTITY_TYPES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", choices=ENTITY_TYPES, help="only entities of this type")
    add_kb_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible

    kb = load_kb(kb_root(args))
    entities = [e for e in kb.entities.values() if args.type in (None, e.type)]
    if args.json:
        print_json([{"id": e.id, "type": e.type, "title": e.title} for e in entities])
        return 0
    width = max((len(e.id) for e in entities), default=0)
    for entity in entities:
        title = " ".join(visible(entity.title).split())
        print(f"{entity.id:<{width}}  {entity.type:<6}  {title}")
    return 0
