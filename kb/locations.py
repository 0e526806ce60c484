"""Every folder chipkb uses, in one place; each can be moved by an environment variable."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

APP_NAME = "chipkb"


def bundled_kb() -> Path:
    """The KB shipped inside the package."""
    return Path(__file__).resolve().parent / "data"


def cache_dir() -> Path:
    override = os.environ.get("CHIPKB_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("CHIPKB_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def index_dir(kb_root: Path) -> Path:
    """The search index of one KB folder: one folder per resolved KB path."""
    resolved = str(kb_root.resolve())
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir() / "indexes" / f"{Path(resolved).name or 'kb'}-{digest}"
