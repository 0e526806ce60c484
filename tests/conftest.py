"""Shared test set-up: every test gets its own cache and config folders, never the user's; and
`start_app`, which starts the app headless on any KB.

Helpers live in tests/support (`from tests.support.<module> import ...`); the app tests' own
fixture, `started_app`, in tests/app/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tui.app import ChipKBApp


@pytest.fixture(autouse=True)
def _private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("CHIPKB_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def start_app() -> Callable[..., AbstractAsyncContextManager[tuple[ChipKBApp, Pilot]]]:
    """Start the app, as often as a test needs, on a KB the test chose or wrote:

        async with start_app(root, size=(90, 40), search=True, poll_seconds=0.1) as (app, pilot):

    All arguments are optional (tests.support.pilot.started: the fixture KB, SIZE, no waiting for
    the search index, no polling). The KB shows when the block begins; the app quits when it ends.
    """
    from tests.support.pilot import started  # textual is imported only by the tests that start the app

    return started
