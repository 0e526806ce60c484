"""Helpers for the app's Pilot tests: start the app on a KB and wait until it is ready."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conftest import FIXTURES, write_kb
from textual.pilot import Pilot

from tui.app import ChipKBApp

APP_KB = FIXTURES / "app_kb"
SIZE = (140, 40)


def make_app(kb_root: Path = APP_KB, poll_seconds: float = 0) -> ChipKBApp:
    return ChipKBApp(kb_root, poll_seconds=poll_seconds)


async def ready(pilot: Pilot, search: bool = False, timeout: float = 60.0) -> ChipKBApp:
    """Wait until the KB shows (and, with `search`, until the search index is open)."""
    app: ChipKBApp = pilot.app  # type: ignore[assignment]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.session.kb is None or (search and app.session.engine is None):
        assert loop.time() < deadline, "the app did not get ready in time"
        await pilot.pause(0.02)
    await pilot.pause()
    return app


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def synthetic_kb(root: Path, claims: int, chips: int = 20) -> Path:
    """A fictional KB with `claims` claims (split over files, as a large KB would be)."""
    files: dict[str, str] = {}
    files["vendors.yaml"] = "vendors:\n" + "".join(
        f"  - {{id: vendor-{v}, name: Vendor {v}, kind: chip-designer}}\n" for v in range(4)
    )
    files["chips.yaml"] = "chips:\n" + "".join(
        f"  - {{id: chip-{c}, name: Chip {c}, vendor: vendor-{c % 4}, kind: gpu}}\n" for c in range(chips)
    )
    paragraphs = max(1, claims // 10)
    text = "".join(f"      Paragraph {p} says the chip number {p} is fast.\n\n" for p in range(paragraphs))
    files["sources.yaml"] = "sources:\n  - id: src\n    title: Synthetic source\n    language: en\n    text: |\n" + text
    kinds = ("fact", "analysis", "forecast", "vendor-claim")
    per_file = 1000
    for first in range(0, claims, per_file):
        body = "".join(
            f"  - {{id: claim-{i:05d}, statement: Claim {i} about chip {i % chips}, subjects: [chip-{i % chips}],"
            f" source: src, excerpt: Paragraph {i % paragraphs} says, kind: {kinds[i % 4]}}}\n"
            for i in range(first, min(claims, first + per_file))
        )
        files[f"claims-{first // per_file}.yaml"] = "claims:\n" + body
    return write_kb(root, files)
