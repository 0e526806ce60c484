"""Messages that panes send up to their screen: open an entity, mark a chip, preview a claim."""

from __future__ import annotations

from textual.message import Message

from kb.model import Spec


class OpenEntity(Message):
    """Show this entity in the centre pane (Enter on a link, a hit, a palette entry)."""

    def __init__(self, entity_id: str) -> None:
        super().__init__()
        self.entity_id = entity_id


class ToggleMark(Message):
    """Mark or unmark this chip for comparison."""

    def __init__(self, entity_id: str) -> None:
        super().__init__()
        self.entity_id = entity_id


class PreviewEntity(Message):
    """Show this entity in the centre pane without moving focus (a highlighted search hit)."""

    def __init__(self, entity_id: str) -> None:
        super().__init__()
        self.entity_id = entity_id


class PreviewClaim(Message):
    """Show this claim's excerpt in the excerpt pane."""

    def __init__(self, claim_id: str) -> None:
        super().__init__()
        self.claim_id = claim_id


class PreviewFigure(Message):
    """Show where this figure of a chip comes from in the excerpt pane."""

    def __init__(self, chip_id: str, spec: Spec) -> None:
        super().__init__()
        self.chip_id = chip_id
        self.spec = spec


class ReadSource(Message):
    """Open the source reader at a line of the source's file (a search hit on a passage)."""

    def __init__(self, source_id: str, line: int | None) -> None:
        super().__init__()
        self.source_id = source_id
        self.line = line
