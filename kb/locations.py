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
    search` would pay (tests/kb/test_locations.py checks the two agree)."""
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


# -- keeping the cache private -------------------------------------------------------------------
#
# The search index holds pickles (whoosh stores its table of contents as one), and a pickle runs
# code when it is read: whoever can write into the cache folder could make chipkb run theirs.  So,
# as ssh does with its keys, chipkb creates its cache folders readable and writable by the user
# only (0700) and uses a folder only when the user (or root) owns it and no group or other user may
# write to it.


class UnsafeFolder(Exception):
    """A cache folder chipkb will not use; the message (one line) says why and how to fix it."""


def check_private(folder: str) -> None:
    """Raise UnsafeFolder unless `folder` is a folder owned by the user (or root) that no group or
    other user may write to."""
    import stat

    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"the cache folder {folder} is not a folder")
    if hasattr(os, "geteuid") and info.st_uid not in (os.geteuid(), 0):
        raise UnsafeFolder(
            f"the cache folder {folder} belongs to another user (uid {info.st_uid}); remove it, or set"
            " CHIPKB_CACHE_DIR to a folder of yours"
        )
    if info.st_mode & 0o022:
        who = " and ".join(w for w, bit in (("group", 0o020), ("others", 0o002)) if info.st_mode & bit)
        raise UnsafeFolder(
            f"the cache folder {folder} is writable by {who} (mode {stat.S_IMODE(info.st_mode):04o});"
            f" run: chmod go-w {folder}"
        )


def private_folder(root: str, *parts: str) -> str:
    """`root/parts...`, each level created readable and writable by the user only (0700) where it
    is missing, and each checked (`check_private`); raises UnsafeFolder, or OSError when a level
    cannot be made."""
    missing = []
    top = os.path.abspath(root)
    while not os.path.isdir(top):
        missing.append(top)
        parent = os.path.dirname(top)
        if parent == top:
            break
        top = parent
    for folder in reversed(missing):
        _make_private(folder)
    folder = root
    check_private(folder)
    for part in parts:
        folder = os.path.join(folder, part)
        _make_private(folder)
        check_private(folder)
    return folder


def _make_private(folder: str) -> bool:
    """Create `folder` 0700; False when it exists already (another process may have just made it)."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return False
    return True


def is_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether `path` is `folder` or lies under it, both resolved."""
    resolved, within = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([resolved, within]) == within


_temporary_cache: list[str] = []


def temporary_cache_folder() -> str:
    """A private folder (0700) for this process's cache when the user's cannot be used; removed
    when the process ends."""
    if not _temporary_cache:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="chipkb-cache-")
        _temporary_cache.append(folder)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return _temporary_cache[0]
