"""`started_app`: the app running headless on a KB, ready, as `(app, pilot)`.

By default on the fixture KB (tests/fixtures/app_kb) at SIZE, once the KB shows. A test that needs
another KB folder, size or the search index says so with a marker:

    @pytest.mark.started_app(size=(90, 40), search=True)
    async def test_x(started_app) -> None:
        app, pilot = started_app

The marker takes the arguments of `start_app` (tests/conftest.py): `kb_root`, `size`, `search`,
`poll_seconds`. Tests that start two apps, write their KB first or change something before the app
starts use `start_app` itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tui.app import ChipKBApp


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "started_app(kb_root=..., size=..., search=..., poll_seconds=...): how `started_app` starts the app"
    )


@pytest.fixture
async def started_app(
    request: pytest.FixtureRequest,
    start_app: Callable[..., AbstractAsyncContextManager[tuple[ChipKBApp, Pilot]]],
) -> AsyncIterator[tuple[ChipKBApp, Pilot]]:
    marker = request.node.get_closest_marker("started_app")
    args, options = (marker.args, marker.kwargs) if marker else ((), {})
    async with start_app(*args, **options) as started:
        yield started
