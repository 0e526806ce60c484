"""Links between claims keep their direction everywhere, carry a reason, and a claim's status comes
from the links other claims make to it: checked on generated KBs in `show`, `show --json` and the
notes, and on every YAML shape a link can be written wrong in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from kb.notes.render import entity_note
from kb.notes.show_text import render_entity
from kb.store.knowledge import load_kb
from kb.views.describe import entity_fields, resolved
from tests.support.kb_files import write_kb
from tests.support.kb_strategies import GeneratedKB, valid_kbs

BASE = """\
vendors:
  - {id: acme, name: Acme, kind: chip-designer}
sources:
  - {id: src, title: Launch, language: en, text: "A is fast. B is slow. C is cheap."}
claims:
  - {id: a, statement: A., subjects: [acme], source: src, excerpt: A is fast., kind: fact}
  - {id: b, statement: B., subjects: [acme], source: src, excerpt: B is slow., kind: fact}
"""


def _shown_section(text: str, heading: str) -> list[str]:
    """The lines under `  heading:` of `chipkb show`'s text, up to the next field."""
    lines = text.split("\n")
    if f"  {heading}:" not in lines:
        return []
    start = lines.index(f"  {heading}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("    ")), len(lines))
    return lines[start:end]


def _section(text: str, heading: str) -> list[str]:
    """The lines under `## heading` of a note, up to the next heading."""
    lines = text.split("\n")
    if f"## {heading}" not in lines:
        return []
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=valid_kbs())
def test_every_link_reads_the_same_way_round_in_show_json_and_notes(generated: GeneratedKB, tmp_path_factory) -> None:
    root = write_kb(tmp_path_factory.mktemp("kb"), generated.files)
    kb = load_kb(root)
    assert not kb.errors, kb.problems
    written = [
        (claim_id, relation, link["claim"], link["reason"].strip())  # a reason is read trimmed
        for claim_id, entity in generated.entities.items()
        for relation in ("supports", "contradicts")
        for link in entity.get(relation, [])
    ]
    for source_id, relation, target_id, reason in written:
        source, target = kb.entities[source_id], kb.entities[target_id]
        outgoing = {"supports": "Supports", "contradicts": "Contradicts"}[relation]
        incoming = {"supports": "Supported by", "contradicts": "Contradicted by"}[relation]
        # JSON: as written on the source claim; incoming only under resolved on the target
        source_json = {**entity_fields(source), "resolved": resolved(kb, source)}
        target_json = {**entity_fields(target), "resolved": resolved(kb, target)}
        assert {"claim": target_id, "reason": reason} in source_json[relation]
        incoming_key = {"supports": "supported_by", "contradicts": "contradicted_by"}[relation]
        assert {"claim": source_id, "reason": reason} in target_json["resolved"][incoming_key]
        # show: under the heading of its direction on each side
        shown_source, shown_target = render_entity(kb, source), render_entity(kb, target)
        assert any(line.startswith(f"    {target_id} -- ") for line in _shown_section(shown_source, outgoing.lower()))
        assert any(line.startswith(f"    {source_id} -- ") for line in _shown_section(shown_target, incoming.lower()))
        # notes: the section of its direction, with the reason
        source_note, target_note = entity_note(kb, source), entity_note(kb, target)
        assert any(f"[[{target_id}|" in line for line in _section(source_note, outgoing))
        assert any(f"[[{source_id}|" in line for line in _section(target_note, incoming))
        if not any(link.claim == target_id for link in kb.supported_by(source_id) + kb.contradicted_by(source_id)):
            assert not any(f"[[{target_id}|" in line for line in _section(source_note, incoming))
        # status: from incoming links only
        expected = "contested" if kb.contradicted_by(target_id) else "corroborated"
        assert kb.status(target_id) == expected
    linked_to = {target for _, _, target, _ in written}
    for claim in kb.claims:
        if claim.id not in linked_to:
            assert kb.status(claim.id) == "unverified", claim.id


def _problems(tmp_path: Path, links: str) -> list[str]:
    root = write_kb(tmp_path / "kb", {"kb.yaml": BASE + links})
    return [f"{p.line}:{p.col}: {p.message}" for p in load_kb(root).problems]


def test_a_bare_id_is_a_problem_at_its_line_and_column(tmp_path: Path) -> None:
    links = "  - {id: c, statement: C., subjects: [acme], source: src, excerpt: C is cheap., kind: fact,\n"
    links += "     supports: [a]}\n"
    assert _problems(tmp_path, links) == [
        "9:17: a link in 'supports' needs a reason: write {claim: 'a', reason: \"why\"}"
    ]


def test_a_link_needs_a_claim_and_a_one_line_reason(tmp_path: Path) -> None:
    links = (
        "  - id: c\n    statement: C.\n    subjects: [acme]\n    source: src\n"
        "    excerpt: C is cheap.\n    kind: fact\n"
        "    supports:\n"
        "      - {claim: a}\n"
        '      - {claim: b, reason: "  "}\n'
        "      - {claim: b, reason: because, why: extra}\n"
        "    contradicts:\n"
        "      - {claim: nope, reason: It says the opposite.}\n"
        "      - {claim: c, reason: Itself.}\n"
    )
    assert _problems(tmp_path, links) == [
        "15:9: a link in 'supports' needs 'reason'",
        "16:9: a link's reason is one line of text, not '  '",
        "17:37: unknown field 'why' for a link",
        "19:9: contradicts refers to unknown claim 'nope'",
        "20:9: claim 'c' contradicts itself",
    ]


def test_show_json_gives_links_as_written_and_resolved_incoming(tmp_path: Path) -> None:
    links = (
        "  - id: c\n    statement: C.\n    subjects: [acme]\n    source: src\n"
        "    excerpt: C is cheap.\n    kind: fact\n"
        "    supports: [{claim: a, reason: Both are about Acme's speed.}]\n"
        "    contradicts: [{claim: b, reason: Cheap and slow cannot both be its pitch.}]\n"
    )
    root = write_kb(tmp_path / "kb", {"kb.yaml": BASE + links})

    def show(entity_id: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "kb", "show", entity_id, "--json", "--kb", str(root)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out)

    c, a, b = show("c"), show("a"), show("b")
    assert c["supports"] == [{"claim": "a", "reason": "Both are about Acme's speed."}]
    assert c["contradicts"] == [{"claim": "b", "reason": "Cheap and slow cannot both be its pitch."}]
    assert c["resolved"]["supported_by"] == [] and c["resolved"]["contradicted_by"] == []
    assert c["resolved"]["status"] == "unverified"  # its own links do not verify it
    assert a["resolved"]["supported_by"] == [{"claim": "c", "reason": "Both are about Acme's speed."}]
    assert a["resolved"]["status"] == "corroborated"
    assert b["resolved"]["contradicted_by"] == [{"claim": "c", "reason": "Cheap and slow cannot both be its pitch."}]
    assert b["resolved"]["status"] == "contested"
