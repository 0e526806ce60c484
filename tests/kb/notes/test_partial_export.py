"""A vault never holds a dead link: exporting some entities writes links only to notes the vault
holds (the rest as text), and index.md lists the comparisons exported into it."""

from __future__ import annotations

import re
from pathlib import Path

from kb.notes.export import export_comparison_into, export_notes
from kb.store.knowledge import load_kb
from tests.support.markdown_vault import resolve
from tests.support.paths import BUNDLED_KB

WIKILINK = re.compile(r"\[\[([^\[\]|\\]+)(?:\\?\|[^\[\]]*)?\]\]")


def dead_links(vault: Path) -> list[tuple[str, str]]:
    """Each (note, target) whose wikilink names no note of the vault, as Obsidian resolves it."""
    notes = [path.relative_to(vault).as_posix() for path in vault.rglob("*.md")]
    dead = []
    for note in notes:
        for target in WIKILINK.findall((vault / note).read_text(encoding="utf-8")):
            if resolve(notes, target) is None:
                dead.append((note, target))
    return dead


def test_exporting_one_entity_at_a_time_never_leaves_a_dead_link(tmp_path: Path) -> None:
    kb = load_kb(BUNDLED_KB)
    vault = tmp_path / "vault"
    export_notes(kb, vault, ["trainium2"])
    assert dead_links(vault) == []
    text = (vault / "chips" / "trainium2.md").read_text(encoding="utf-8")
    assert "AWS" in text  # the vendor is named, as text
    export_notes(kb, vault, ["aws"])
    assert dead_links(vault) == []
    # the vendor's note links the chip exported before; the chip's earlier note still names the vendor as text
    assert "[[trainium2|" in (vault / "vendors" / "aws.md").read_text(encoding="utf-8")


def test_a_whole_export_links_everything(tmp_path: Path) -> None:
    kb = load_kb(BUNDLED_KB)
    vault = tmp_path / "vault"
    export_notes(kb, vault)
    assert dead_links(vault) == []
    assert "[[aws|" in (vault / "chips" / "trainium2.md").read_text(encoding="utf-8")


def test_the_index_lists_the_comparisons_exported_into_the_vault(tmp_path: Path) -> None:
    kb = load_kb(BUNDLED_KB)
    vault = tmp_path / "vault"
    export_notes(kb, vault, ["trainium2"])
    export_comparison_into(kb, ["trainium2", "trainium"], vault)
    index = (vault / "index.md").read_text(encoding="utf-8")
    assert "## Comparisons (1)" in index
    assert "[[trainium2-vs-trainium|trainium2 vs trainium]]" in index
    assert "[[trainium2|" in index  # the entity exported before stays listed
    assert dead_links(vault) == []
    export_notes(kb, vault, ["aws"])  # a later entity export keeps the comparison in the index
    assert "[[trainium2-vs-trainium|" in (vault / "index.md").read_text(encoding="utf-8")
