"""Write docs/outputs.md, the page of chipkb's output formats, with each example run on the bundled KB.

    python -m devtools.outputs_doc --write    # after a change to an output, the bundled KB or ranking
    python -m devtools.outputs_doc --check    # exit 1 when docs/outputs.md is not what --write would write

tests/cli/test_output_schemas.py checks that the page is up to date and that every example in it
validates against its schema in docs/schemas/output/.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

from kb.cli.main import main

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "outputs.md"

#: name -> (the arguments of chipkb, how many lines of its output the page keeps: None for all)
EXAMPLES: dict[str, tuple[str, int | None]] = {
    "list": ("list --type chip --sort id --limit 2 --json", None),
    "list-jsonl": ("list --type vendor --limit 2 --format jsonl", None),
    "show": ("show graviton --json", None),
    "search": ("search Graviton4 --limit 1 --json", None),
    "compare": ("compare graviton graviton4 --json", None),
    "compare-csv": ("compare graviton graviton4 --format csv", None),
    "validate": ("validate --format jsonl", 2),
    "rank": ("rank hbm-capacity --vendor microsoft --json", None),
    "timeline": ("timeline --vendor microsoft --json", None),
    "error": ("show trainum --json", None),
}

#: The page, with a {name} where each example goes.
TEMPLATE = Path(__file__).with_name("outputs_template.md")


def run(argv: list[str]) -> str:
    """What `chipkb ARGV` prints on standard output, run here from the repository's folder (the
    paths in the output are written relative to it)."""
    out = io.StringIO()
    with contextlib.chdir(REPO), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(argv)
    return out.getvalue()


def example_output(name: str) -> str:
    arguments, lines = EXAMPLES[name]
    text = run(arguments.split())
    return text if lines is None else "".join(text.splitlines(keepends=True)[:lines])


def render() -> str:
    blocks = {}
    for name, (arguments, lines) in EXAMPLES.items():
        shown = f"chipkb {arguments}" + (f" | head -n {lines}" if lines else "")
        language = "csv" if name.endswith("-csv") else "json"
        blocks[name] = f"```console\n$ {shown}\n```\n\n```{language}\n{example_output(name)}```"
    return TEMPLATE.read_text(encoding="utf-8").format_map(blocks)


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {PAGE.relative_to(REPO)}")
    action.add_argument("--check", action="store_true", help="exit 1 when the page is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        PAGE.write_text(text, encoding="utf-8")
        print(f"wrote {PAGE.relative_to(REPO)}")
        return 0
    if PAGE.read_text(encoding="utf-8") != text:
        print(f"{PAGE.relative_to(REPO)} is out of date: python -m devtools.outputs_doc --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_())
