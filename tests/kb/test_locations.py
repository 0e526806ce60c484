"""The cache folder chipkb search finds without platformdirs is the one platformdirs gives."""

from __future__ import annotations

import os

import platformdirs
import pytest

from kb import locations


@pytest.mark.parametrize("xdg", [None, "/tmp/somewhere-else", "relative/ignored"])
def test_the_fast_cache_folder_agrees_with_platformdirs(xdg: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHIPKB_CACHE_DIR", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    expected = platformdirs.user_cache_dir(locations.APP_NAME, appauthor=False)
    assert locations.cache_folder() == expected
    assert os.path.isabs(locations.cache_folder())
