"""Propose chips and figures from a public dataset's CSV, or write them with --write.

DATASET is `epoch` (Epoch AI's "Machine Learning Hardware", https://epoch.ai/data/machine-learning-hardware,
CC BY 4.0) or `reuther` (MIT Lincoln Laboratory's AI accelerator survey, Reuther et al., IEEE HPEC
2023). Without --write nothing is written: each line says what would change (chips and vendors to
add, figures to add, update or remove, where the dataset disagrees with the KB, rows that cannot be
mapped and why). With --write the changes are written, all or nothing: new chips in
chips/imported-<vendor>.yaml, figures into the chips' specs. A figure or chip the importer wrote and
a person edited is theirs from then on, never changed again. Rows no rule maps are mapped, skipped or
given a memory type in the KB's .imports/DATASET.yaml. Exit 0 when the import is valid (written
with --write), 1 when the CSV, the mapping table or the result has a problem (nothing written),
2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys

from kb.cli.common import UsageError, add_kb_argument, kb_root
from kb.text.counts import counted

DATASET_NAMES = ("epoch", "reuther")

#: How each kind of event reads before (dry run) and after (--write) the change.
_VERBS = {
    "add-source": ("would add source", "added source"),
    "add-vendor": ("would add vendor", "added vendor"),
    "add-chip": ("would add chip", "added chip"),
    "add-figure": ("would add figure", "added figure"),
    "add-figure-new": ("  with figure", "  with figure"),
    "update-chip": ("would update chip", "updated chip"),
    "update-figure": ("would update figure", "updated figure"),
    "remove-figure": ("would remove figure", "removed figure"),
    "remove-chip": ("would remove chip", "removed chip"),
    "remove-vendor": ("would remove vendor", "removed vendor"),
}
#: Events listed only with --verbose (the summary counts them).
_VERBOSE = ("agree", "skipped", "left-out", "add-figure-new")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", choices=DATASET_NAMES, metavar="DATASET", help="epoch or reuther")
    parser.add_argument("file", metavar="FILE.csv", help="the dataset's CSV, as published")
    add_kb_argument(parser)
    parser.add_argument("--write", action="store_true", help="write the changes (default: only show them)")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also list each new chip's figures, figures the KB already has, rows skipped and figures left out",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kb.importers.run import run_import
    from kb.text.terminal_safe import visible

    root = kb_root(args)
    csv_file = Path(args.file)
    if not csv_file.exists():
        raise UsageError(f"{args.file}: no such file")
    if csv_file.is_dir():
        raise UsageError(f"{args.file}: a folder, not a CSV file")
    outcome = run_import(args.dataset, csv_file, root, write=args.write)
    if outcome.problems:
        for problem in outcome.problems:
            print(visible(str(problem)))
        print(visible(f"chipkb: {counted(len(outcome.problems), 'problem')}; nothing written"), file=sys.stderr)
        return 1
    plan = outcome.plan
    assert plan is not None
    done = outcome.written
    print(visible(f"{args.dataset}: {outcome.rows} rows in {outcome.csv_path}; KB {root}"))
    for event in plan.events:
        if event.kind in _VERBOSE and not args.verbose:
            continue
        verb = _VERBS.get(event.kind)
        line = f"{verb[1] if done else verb[0]} {event.text}" if verb else event.text
        print(visible(line))
    for line in summary(plan.counts, done, plan.dataset.says("disagree")):
        print(visible(line))
    if done:
        for rel, text in sorted(outcome.texts.items()):
            print(visible(f"{'deleted' if text is None else 'wrote'} {root / rel}"))
    elif outcome.texts:
        print("nothing written (a dry run): --write writes it")
    else:
        print("nothing to change")
    return 0


def summary(counts: dict[str, int], done: bool, says_disagree: str) -> list[str]:
    """Three lines counting what the import does (or would do) and what it leaves."""

    def n(kind: str) -> int:
        return counts.get(kind, 0)

    would = "" if done else "would "
    return [
        f"summary: {'added' if done else 'would add'} {n('add-vendor')} vendors, {n('add-chip')} chips"
        f" ({n('add-figure-new')} figures), and {n('add-figure')} figures to chips the KB has"
        f" ({n('disagree')} where {says_disagree})",
        f"summary: {would}{'update' if not done else 'updated'} {n('update-figure')} figures and"
        f" {n('update-chip')} chips; {would}{'remove' if not done else 'removed'} {n('remove-figure')} figures,"
        f" {n('remove-chip')} chips and {n('remove-vendor')} vendors",
        f"summary: {n('unmapped')} rows cannot be mapped and {n('skipped')} are skipped; {n('agree')} figures are"
        f" in the KB already, {n('kept')} written by hand are kept, {n('left-out')} are left out"
        + ("" if done else " (--verbose lists each)"),
    ]
