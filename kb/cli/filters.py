"""Arguments shared by `rank`, `chart` and `timeline`: which figure, which chips (vendor, kind, since),
and the one-line usage errors for a figure, vendor or family that does not exist (exit 2)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kb.cli.common import UsageError, hint_of

if TYPE_CHECKING:
    from kb.store.knowledge import KnowledgeBase


def add_figure_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("figure", metavar="FIGURE", help="a figure name, e.g. bf16-dense, hbm-capacity, tdp")
    parser.add_argument(
        "--per-watt", action="store_true", help="rank value / TDP (throughput figures); chips without a TDP are skipped"
    )


def add_chip_filters(parser: argparse.ArgumentParser, *, since: bool = True) -> None:
    from kb.store.schema import CHIP_KINDS

    parser.add_argument(
        "--vendor",
        action="append",
        default=[],
        metavar="V",
        help="only this vendor's chips (id, name or alias; repeat)",
    )
    parser.add_argument(
        "--kind", action="append", default=[], choices=CHIP_KINDS, metavar="K", help="only chips of this kind"
    )
    if since:
        parser.add_argument(
            "--since", type=_year, metavar="YYYY", help="only chips announced (else available) in YYYY or later"
        )


def _year(text: str) -> int:
    if len(text) != 4 or not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (YYYY)")
    return int(text)


def check_figure(name: str, per_watt: bool = False) -> None:
    """A usage error (exit 2) naming the figure's nearest names when `name` is not one."""
    from kb.store.figures import FIGURES
    from kb.text.suggest import did_you_mean
    from kb.views.rank import RankError, figure_of

    try:
        figure_of(name, per_watt)
    except RankError as error:
        hint = ""
        if name not in FIGURES:
            # a name cut short (`bf16`) is too short for difflib to call it close: offer what it begins
            started = [f for f in FIGURES if f.startswith(name.casefold())] if len(name) >= 2 else []
            hint = did_you_mean(name, FIGURES, n=3) or _either(started[:3])
        listing = "" if hint or name in FIGURES else " (see the figure names in docs/schema.md)"
        raise UsageError(f"{error}{listing}", hint=hint_of(hint)) from None


def _either(names: list[str]) -> str:
    """` (did you mean 'a' or 'b'?)`, worded as `kb.text.suggest.did_you_mean` words it."""
    if not names:
        return ""
    quoted = [repr(n) for n in names]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {listed}?)"


def vendor_ids(kb: KnowledgeBase, wanted: list[str]) -> list[str]:
    """The ids of the vendors named (by id, name or alias, in any case); a usage error otherwise."""
    from kb.cli.common import NotFound, find_entity

    ids = []
    for name in wanted:
        try:
            ids.append(find_entity(kb, name, "vendor").id)
        except NotFound as error:
            raise UsageError(f"--vendor: {error.message}", hint=error.hint) from None
    return ids


def family_names(kb: KnowledgeBase, wanted: list[str]) -> list[str]:
    """The families named (in any case); a usage error with a suggestion for one the KB lacks."""
    from kb.text.suggest import did_you_mean

    known = {c.family.casefold(): c.family for c in kb.chips if c.family}
    for name in wanted:
        if name.casefold() not in known:
            hint = did_you_mean(name, sorted(known.values()), n=3)
            raise UsageError(f"--family: no chip family {name!r}", hint=hint_of(hint))
    return [known[name.casefold()] for name in wanted]
