"""Command palette entries: jump to any entity by name, alias or id; set the export folder."""

from __future__ import annotations

import asyncio

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from kb.store.model import Chip, Entity, Vendor
from kb.text.terminal_safe import visible
from tui.kbtext import one_line
from tui.messages import ChooseExportFolder, OpenEntity
from tui.session import session_of

_YIELD_EVERY = 500


def _names(entity: Entity) -> list[str]:
    """What a user may type to find the entity: its title, aliases and id."""
    names = [entity.title]
    names += list(getattr(entity, "aliases", []))
    names.append(entity.id)
    return [one_line(name, 120) for name in names if name]


class EntityCommands(Provider):
    """Every vendor, chip, source and claim, matched on its name, aliases and id."""

    def _open(self, entity_id: str) -> None:
        self.app.post_message(OpenEntity(entity_id))

    def _choose_export_folder(self) -> None:
        self.app.post_message(ChooseExportFolder())

    def _display(self, entity: Entity, matched: Content, name: str) -> Content:
        title = one_line(entity.title, 120)
        display = matched if name == title else Content(title) + Content(" — ") + matched
        return display + Content.styled(f"  {entity.type}", "dim")

    async def discover(self) -> Hits:
        kb = session_of(self.app).kb
        if kb is None:
            return
        yield DiscoveryHit("Set the export folder…", self._choose_export_folder, help="Where e writes notes")
        for entity in sorted(kb.entities.values(), key=lambda e: (e.type != "vendor", e.type != "chip")):
            if isinstance(entity, (Vendor, Chip)):
                yield DiscoveryHit(
                    Content(one_line(entity.title, 120)) + Content.styled(f"  {entity.type}", "dim"),
                    lambda entity_id=entity.id: self._open(entity_id),
                    text=entity.title,
                    help=f"{entity.type} {entity.id}",
                )

    async def search(self, query: str) -> Hits:
        kb = session_of(self.app).kb
        matcher = self.matcher(query)
        command = "Set the export folder…"
        score = matcher.match(command)
        if score > 0:
            yield Hit(score, matcher.highlight(command), self._choose_export_folder, text=command)
        if kb is None:
            return
        for count, entity in enumerate(list(kb.entities.values()), 1):
            if count % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
            best, best_name = 0.0, ""
            for name in _names(entity):
                score = matcher.match(name)
                if score > best:
                    best, best_name = score, name
            if best > 0:
                yield Hit(
                    best,
                    self._display(entity, _highlight_literally(matcher, best_name), best_name),
                    lambda entity_id=entity.id: self._open(entity_id),
                    text=best_name,
                    help=f"{entity.type} {entity.id}",
                )


def _highlight_literally(matcher: Matcher, name: str) -> Content:
    """The matched letters of `name` highlighted, `name` kept as plain text.

    Textual's `Matcher.highlight` parses the candidate as markup, so a KB name holding
    `[@click=app.quit]` would become a live action; KB text is data.
    """
    content = Content(visible(name))
    score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    if not score or visible(name) != name:
        return content
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
