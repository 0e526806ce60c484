"""Output that cannot be written is one line on standard error and a non-zero exit, never a
traceback: an encoding that cannot show the KB's text, a full disk, a closed standard output, a
working folder that was deleted (issue 16). Each runs the real command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Commands over the bundled KB whose output holds text no ASCII or Latin-1 terminal can show.
NON_ASCII_OUTPUT = {
    "list": ["list", "--type", "source"],
    "search": ["search", "戦略"],
    "compare": ["compare", "trainium2", "tpu-v5p"],
    "rank": ["rank", "bf16-dense"],
}
#: Every command that prints data, for the failures that do not depend on the text.
ALL_OUTPUT = {**NON_ASCII_OUTPUT, "show": ["show", "trainium2"], "validate": ["validate"], "timeline": ["timeline"]}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private cache for the module, so the bundled KB's index is built once."""
    folder = tmp_path_factory.mktemp("cache")
    folder.chmod(0o700)
    return folder


def run(
    argv: list[str],
    cache: Path,
    *,
    stdout: object = subprocess.PIPE,
    encoding: str | None = None,
    cwd: Path | None = None,
    shell_prefix: str = "",
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CHIPKB_CACHE_DIR": str(cache)}
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    command = [sys.executable, "-m", "kb", *argv]
    if shell_prefix:  # a shell sets up what Popen cannot (a closed descriptor, a deleted folder)
        command = ["sh", "-c", f'{shell_prefix} exec "$@"', "sh", *command]
    return subprocess.run(command, env=env, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, timeout=300)


def one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Traceback" not in text
    return text.strip()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("name", sorted(NON_ASCII_OUTPUT))
def test_an_encoding_that_cannot_show_the_text_is_one_line(name: str, encoding: str, cache: Path) -> None:
    result = run(NON_ASCII_OUTPUT[name], cache, encoding=encoding)
    assert result.returncode == 1
    message = one_line(result.stderr)
    assert message.startswith("chipkb: error: the output's encoding (")
    assert message.endswith("set PYTHONIOENCODING=utf-8")


@pytest.mark.parametrize("name", sorted(ALL_OUTPUT))
def test_a_full_disk_is_one_line(name: str, cache: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = run(ALL_OUTPUT[name], cache, stdout=full)
    assert result.returncode == 1
    assert one_line(result.stderr) == "chipkb: error: cannot write the output: No space left on device"


@pytest.mark.parametrize("name", sorted(ALL_OUTPUT))
def test_a_closed_standard_output_is_one_line(name: str, cache: Path) -> None:
    result = run(ALL_OUTPUT[name], cache, stdout=None, shell_prefix="exec >&-;")
    assert result.returncode == 2  # found before the command runs: there is nothing it could do
    assert one_line(result.stderr) == "chipkb: error: standard output is closed; chipkb has nowhere to write"


def test_a_deleted_working_folder(cache: Path, tmp_path: Path) -> None:
    """The bundled KB does not need the working folder; a KB named relative to it is one line."""
    gone = tmp_path / "gone"
    prefix = f"mkdir {gone} && cd {gone} && rmdir {gone} &&"
    fine = run(["show", "trainium2"], cache, shell_prefix=prefix)
    assert fine.returncode == 0 and b"Trainium2" in fine.stdout
    for argv in (
        ["list", "--kb", "kb"],
        ["search", "x", "--kb", "kb"],
        ["validate", "--kb", "."],
        ["export", "--out", "v"],
    ):
        result = run(argv, cache, shell_prefix=prefix)
        assert result.returncode in (1, 2), argv
        assert one_line(result.stderr).startswith("chipkb: "), argv


JSON_CASES = {
    "list": (["list", "--json"], 1),  # the exit code on a full disk: the output failed
    "jsonl": (["list", "--format", "jsonl"], 1),
    "not-found": (["show", "nope", "--json"], 1),  # the command's own exit code
    "usage": (["list", "--type", "bogus", "--json"], 2),
}


@pytest.mark.parametrize("name", sorted(JSON_CASES))
def test_json_mode_with_nowhere_to_write_is_one_line_on_stderr(name: str, cache: Path) -> None:
    """The JSON error object goes to standard output; when that is closed or full, the line goes
    to standard error instead, never a traceback."""
    argv, code_when_full = JSON_CASES[name]
    closed = run(argv, cache, stdout=None, shell_prefix="exec >&-;")
    assert closed.returncode == 2
    assert one_line(closed.stderr) == "chipkb: error: standard output is closed; chipkb has nowhere to write"
    with open("/dev/full", "wb") as full:
        result = run(argv, cache, stdout=full)
    assert result.returncode == code_when_full
    assert one_line(result.stderr).startswith("chipkb: ")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export", "--out", "/"], 1, "chipkb: refusing to export into the root folder /"),
        (
            ["export", "--out", ""],
            2,
            "chipkb: error: argument --out: an empty folder name (see 'chipkb export --help')",
        ),
        (["list"], 2, "chipkb: error: CHIPKB_MAX_FILE_BYTES='1e9' is not a whole number above 0"),
    ],
)
def test_refused_before_anything_is_written(argv: list[str], code: int, message: str, cache: Path) -> None:
    """Export into the root folder or a folder with no name, and a limit that is not a whole number,
    are one line each (issue 16)."""
    env_limit = argv == ["list"]
    command = ["env", "CHIPKB_MAX_FILE_BYTES=1e9"] if env_limit else []
    result = subprocess.run(
        [*command, sys.executable, "-m", "kb", *argv],
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == code
    assert one_line(result.stderr).startswith(message)
