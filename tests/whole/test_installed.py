"""The installed `chipkb` command works from any folder on the KB shipped inside the package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def installed_chipkb() -> str:
    command = Path(sys.executable).parent / "chipkb"
    assert command.exists(), f"chipkb is not installed next to {sys.executable}"
    return str(command)


def test_validate_and_list_the_bundled_kb_from_another_folder(tmp_path: Path) -> None:
    validate = subprocess.run([installed_chipkb(), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    listing = subprocess.run(
        [installed_chipkb(), "list", "--type", "chip", "--json"], cwd=tmp_path, capture_output=True, text=True
    )
    chips = {entry["id"] for entry in json.loads(listing.stdout)["entities"]}
    assert {"trainium", "inferentia2", "tpu-ironwood", "maia-100", "apple-m1"} <= chips
    seed = subprocess.run(
        [installed_chipkb(), "show", "allforces-aws-ai-chip-strategy", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert json.loads(seed.stdout)["language"] == "ja"  # its text file came along in the package


def test_version_and_help_of_the_installed_command(tmp_path: Path) -> None:
    version = subprocess.run([installed_chipkb(), "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert version.stdout.startswith("chipkb ")
    help_text = subprocess.run([installed_chipkb(), "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert help_text.returncode == 0 and "search" in help_text.stdout
