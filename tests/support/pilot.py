"""Starting the app headless on a KB and waiting until it is ready (the fixtures `started_app` and
`start_app` are built on `started`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from tests.support.paths import APP_KB
from tui.app import ChipKBApp

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


@asynccontextmanager
async def started(
    kb_root: Path = APP_KB,
    *,
    size: tuple[int, int] = SIZE,
    search: bool = False,
    poll_seconds: float = 0,
) -> AsyncIterator[tuple[ChipKBApp, Pilot]]:
    """The app running headless on `kb_root` at `size`, the KB shown (and with `search`, the search
    index open); it quits when the block ends."""
    app = make_app(kb_root, poll_seconds=poll_seconds)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, search=search)
        yield app, pilot
