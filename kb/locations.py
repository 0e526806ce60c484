"""Every folder chipkb uses, in one place; each can be moved by an environment variable.

`chipkb search` opens its index without importing pathlib, which (with the urllib.parse and
ipaddress it imports) is ~6 ms of a search's start-up: the `*_folder` functions give folders as
strings for it, and the Path-returning ones wrap them for everything else.
"""

from __future__ import annotations

import hashlib
import os
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
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME, appauthor=False)


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
