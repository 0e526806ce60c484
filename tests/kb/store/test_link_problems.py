"""A claim's links that contradict themselves are problems at the link at fault: the same claim named
twice in one relation, and a claim both supported and contradicted by one other.  A link's place is
kept both ways: where the problem is reported, and in what `supported_by` returns.

These are the rules the mutation run of `links` (docs/mutation-testing.md) found untested."""

from __future__ import annotations

from pathlib import Path

from kb.store.knowledge import load_kb
from kb.store.model import Claim, Link, Location, Problem
from kb.store.validate import check_entities
from tests.support.kb_files import write_kb

BASE = """\
vendors:
  - {id: acme, name: Acme, kind: chip-designer}
sources:
  - {id: src, title: Launch, language: en, text: "A is fast. B is slow. C is cheap."}
claims:
  - {id: a, statement: A., subjects: [acme], source: src, excerpt: A is fast., kind: fact}
  - {id: b, statement: B., subjects: [acme], source: src, excerpt: B is slow., kind: fact}
  - id: c
    statement: C.
    subjects: [acme]
    source: src
    excerpt: C is cheap.
    kind: fact
"""
#: The line of the first field written after BASE (BASE's claim `c` starts at line 8).
LINKS_LINE = 14


def _problems(tmp_path: Path, links: str) -> list[str]:
    root = write_kb(tmp_path / "kb", {"kb.yaml": BASE + links})
    return [f"{p.line}:{p.col}: {p.message}" for p in load_kb(root).problems]


def test_a_claim_named_twice_in_one_relation_is_a_problem_at_the_second_link(tmp_path: Path) -> None:
    links = (
        "    supports:\n"
        "      - {claim: a, reason: Both are about Acme.}\n"
        "      - {claim: b, reason: Same launch.}\n"
        "      - {claim: a, reason: Said again.}\n"
        "    contradicts:\n"
        "      - {claim: b, reason: Cheap is not slow.}\n"
        "      - {claim: b, reason: Said again.}\n"
    )
    first = LINKS_LINE + 1
    assert _problems(tmp_path, links) == [
        f"{first + 2}:9: claim 'c' supports 'a' twice",
        f"{first + 4}:9: claim both supports and contradicts 'b'",
        f"{first + 5}:9: claim 'c' contradicts 'b' twice",
        f"{first + 5}:9: claim both supports and contradicts 'b'",
    ]


def test_a_claim_that_supports_and_contradicts_one_claim_is_a_problem_at_the_contradicting_link(
    tmp_path: Path,
) -> None:
    links = (
        "    supports:\n"
        "      - {claim: a, reason: Both are about Acme.}\n"
        "    contradicts:\n"
        "      - {claim: b, reason: Cheap is not slow.}\n"
        "      - {claim: a, reason: Fast is not cheap.}\n"
    )
    assert _problems(tmp_path, links) == [f"{LINKS_LINE + 4}:9: claim both supports and contradicts 'a'"]


def test_different_claims_in_each_relation_are_no_problem(tmp_path: Path) -> None:
    links = (
        "    supports:\n"
        "      - {claim: a, reason: Both are about Acme.}\n"
        "    contradicts:\n"
        "      - {claim: b, reason: Cheap is not slow.}\n"
    )
    assert _problems(tmp_path, links) == []


def test_a_link_with_no_place_of_its_own_is_reported_at_its_field(tmp_path: Path) -> None:
    """Links made in code carry no place: their problems are reported at the claim's field, the
    nearest place there is (not at the claim's first line)."""
    links = (
        "    supports:\n"
        "      - {claim: a, reason: Both are about Acme.}\n"
        "    contradicts:\n"
        "      - {claim: a, reason: Fast is not cheap.}\n"
    )
    kb = load_kb(write_kb(tmp_path / "kb", {"kb.yaml": BASE + links}))
    claim = kb.entities["c"]
    assert isinstance(claim, Claim)
    claim.supports = [Link("c", "Itself."), Link("a", "Both are about Acme.")]
    claim.contradicts = [Link("a", "Fast is not cheap.")]
    problems: list[Problem] = []
    check_entities(kb.entities, problems)
    assert [f"{p.line}:{p.col}: {p.message}" for p in problems] == [
        f"{LINKS_LINE + 1}:7: claim 'c' supports itself",  # where the field's list starts
        f"{LINKS_LINE + 3}:7: claim both supports and contradicts 'a'",
    ]


def test_an_incoming_link_keeps_the_place_where_it_is_written(tmp_path: Path) -> None:
    links = (
        "    supports:\n"
        "      - {claim: a, reason: Both are about Acme.}\n"
        "    contradicts:\n"
        "      - {claim: b, reason: Cheap is not slow.}\n"
    )
    root = write_kb(tmp_path / "kb", {"kb.yaml": BASE + links})
    kb = load_kb(root)
    assert not kb.problems
    (supported,) = kb.supported_by("a")
    (contradicted,) = kb.contradicted_by("b")
    written = str(root / "kb.yaml")
    assert (supported.claim, supported.location) == ("c", Location(written, LINKS_LINE + 1, 9))
    assert (contradicted.claim, contradicted.location) == ("c", Location(written, LINKS_LINE + 3, 9))
