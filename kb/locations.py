"""Every folder chipkb uses, in one place; each can be moved by an environment variable.

`chipkb search` opens its index without importing pathlib, which (with the urllib.parse and
ipaddress it imports) is ~6 ms of a search's start-up: the `*_folder` functions give folders as
strings for it, and the Path-returning ones wrap them for everything else.
"""

from __future__ import annotations

import hashlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "chipkb"


def bundled_kb_folder() -> str:
    """The KB shipped inside the package."""
    return os.path.join(os.path.dirname(os.path.realpath(__file__)), "data")


def bundled_kb() -> Path:
    from pathlib import Path

    return Path(bundled_kb_folder())


def cache_folder() -> str:
    override = os.environ.get("CHIPKB_CACHE_DIR")
    if override:
        return override
    xdg = _xdg_cache_home()
    if xdg is not None:
        return os.path.join(xdg, APP_NAME)
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME, appauthor=False)


def _xdg_cache_home() -> str | None:
    """The user cache folder on Linux, as platformdirs finds it there: $XDG_CACHE_HOME when it is
    absolute, else ~/.cache.  None where that takes more (another system, Android, no absolute
    HOME): platformdirs is asked then.  Importing platformdirs costs ~10 ms, which every `chipkb
    search` would pay (tests/test_locations.py checks the two agree)."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return xdg
    home = os.environ.get("HOME", "")
    return os.path.join(home.rstrip("/") or "/", ".cache") if os.path.isabs(home) else None


def cache_dir() -> Path:
    from pathlib import Path

    return Path(cache_folder())


def config_dir() -> Path:
    from pathlib import Path

    override = os.environ.get("CHIPKB_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def index_folder(kb_root: str | os.PathLike[str]) -> str:
    """The search index of one KB folder: one folder per resolved KB path."""
    resolved = os.path.realpath(kb_root)
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return os.path.join(cache_folder(), "indexes", f"{os.path.basename(resolved) or 'kb'}-{digest}")


def index_dir(kb_root: str | os.PathLike[str]) -> Path:
    from pathlib import Path

    return Path(index_folder(kb_root))
