"""Messages that panes send up to their screen, and screens up to the app: open an entity, mark a
chip, preview a claim, read a source, compare chips, export notes.

The app handles what needs more than one screen (opening the reader or compare screen, going back
to the main screen, exporting), so that no screen calls the app or another screen."""

from __future__ import annotations

from textual.message import Message

from kb.store.model import Spec


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
    """Open the source reader on a source (at a line of its file: a search hit on a passage), or on
    a claim's source at that claim's excerpt."""

    def __init__(self, entity_id: str, line: int | None = None) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.line = line


class CompareChips(Message):
    """Open the compare screen on these chips."""

    def __init__(self, chip_ids: list[str]) -> None:
        super().__init__()
        self.chip_ids = chip_ids


class ExportNotes(Message):
    """Export these entities' notes, or (with `comparison`) the comparison of these chips."""

    def __init__(self, ids: list[str], *, comparison: bool = False) -> None:
        super().__init__()
        self.ids = ids
        self.comparison = comparison


class ChooseExportFolder(Message):
    """Ask where exported notes go."""


class ShowTimeline(Message):
    """Open the timeline: every chip at its dates, one lane per vendor."""


class ShowChart(Message):
    """Open the chart view on this figure (None: the figure most chips state)."""

    def __init__(self, figure: str | None = None) -> None:
        super().__init__()
        self.figure = figure
