"""Shell completion: commands, options, entity ids and aliases, and figure names, through the shell
code `chipkb completion SHELL` prints (bash run for real; zsh and fish code checked for its hooks)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kb.store.figures import FIGURES


def completions(line: str) -> list[str]:
    """What chipkb answers the shell for the command line `line` (cursor at its end): argcomplete
    writes the words to file descriptor 8."""
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
    }
    read, piped = os.pipe()
    # out of the way of 8 and 9, which the child's own descriptors are moved to
    write, quiet = os.dup2(piped, 40), os.dup2(os.open(os.devnull, os.O_WRONLY), 41)
    os.close(piped)

    def descriptors() -> None:  # argcomplete answers on 8 and writes its debug output to 9
        os.dup2(write, 8)
        os.dup2(quiet, 9)

    result = subprocess.run(
        [sys.executable, "-m", "tui", *line.split()[1:]],
        env=env,
        close_fds=False,  # the descriptors moved in preexec_fn must survive into the child
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=descriptors,
    )
    os.close(write)
    os.close(quiet)
    with os.fdopen(read) as answered:
        words = answered.read().split("\n")
    assert result.returncode == 0, result.stderr
    return [w.strip() for w in words if w.strip()]


def test_commands_and_options_complete() -> None:
    assert "search" in completions("chipkb sea") and "show" in completions("chipkb sh")
    assert "--offset" in completions("chipkb search x --off")


def test_ids_and_aliases_complete_and_compare_offers_only_chips() -> None:
    shown = completions("chipkb show trai")
    assert {"trainium", "trainium2"} <= set(shown)
    assert "Trn2" in completions("chipkb show Trn")
    compared = completions("chipkb compare a")
    assert compared and "aws" not in compared  # a vendor is no chip
    assert "aws" in completions("chipkb show a")


def test_figure_names_complete() -> None:
    assert sorted(completions("chipkb rank hbm")) == sorted(n for n in FIGURES if n.startswith("hbm"))


def test_bash_completes_through_the_printed_code() -> None:
    script = (
        'eval "$(chipkb completion bash)"; COMP_WORDS=(chipkb show Trn); COMP_CWORD=2; '
        'COMP_LINE="chipkb show Trn"; COMP_POINT=15; _python_argcomplete chipkb Trn show; echo "${COMPREPLY[@]}"'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert set(result.stdout.split()) >= {"Trn1", "Trn2"}, result.stderr


@pytest.mark.parametrize(
    ("shell", "hook"), [("bash", "complete "), ("zsh", "compdef"), ("fish", "complete --command chipkb")]
)
def test_each_shell_gets_code_that_hooks_chipkb(shell: str, hook: str) -> None:
    code = subprocess.run(
        [sys.executable, "-m", "tui", "completion", shell], capture_output=True, text=True, check=True
    )
    assert hook in code.stdout and "chipkb" in code.stdout
