"""What the app remembers between runs (theme, export folder), in the chipkb config folder.

Kept as a small JSON file; a missing or damaged file means the defaults, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kb.locations import config_dir

SETTINGS_FILE = "app.json"


def default_export_dir() -> Path:
    return Path.home() / "chipkb-notes"


@dataclass
class Settings:
    theme: str = ""
    export_dir: Path = field(default_factory=default_export_dir)
    #: The user has chosen (or accepted) the export folder: `e` asks once before writing anywhere.
    export_dir_chosen: bool = False

    @staticmethod
    def path() -> Path:
        return config_dir() / SETTINGS_FILE

    @classmethod
    def load(cls) -> Settings:
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        settings = cls()
        if isinstance(data.get("theme"), str):
            settings.theme = data["theme"]
        if isinstance(data.get("export_dir"), str) and data["export_dir"]:
            settings.export_dir = Path(data["export_dir"])
            settings.export_dir_chosen = True
        return settings

    def save(self) -> None:
        """Write the settings atomically; a folder we cannot write to is not fatal."""
        target = self.path()
        data: dict[str, str] = {"theme": self.theme}
        if self.export_dir_chosen:
            data["export_dir"] = str(self.export_dir)
        temporary = ""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".app-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2)
            os.replace(temporary, target)
        except OSError:
            if temporary:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
