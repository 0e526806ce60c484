"""Mutation testing of the rules that matter most: small deliberate bugs put into the code, one at
a time, each of which the tests must notice.

    python -m devtools.mutation                 # every target below (long: see docs/mutation-testing.md)
    python -m devtools.mutation escaping        # one target
    python -m devtools.mutation --list          # the targets

Runs mutmut (`pip install mutmut`) in a scratch copy of the repository (`--work`, default
/tmp/chipkb-mutation), so the work tree never holds mutants; prints each surviving mutant's diff.
Not part of the test suite.  docs/mutation-testing.md explains every mutant that survives.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: target -> (the files whose functions are mutated, the tests that must notice)
TARGETS: dict[str, tuple[list[str], list[str]]] = {
    "escaping": (["kb/text/terminal_safe.py"], ["tests/kb/text/test_terminal_safe.py"]),
    "verbatim": (
        ["kb/text/passages.py"],
        [
            "tests/kb/text/test_passages.py",
            "tests/kb/test_one_home_rules.py",
            "tests/kb/test_properties.py",
            "tests/kb/store",
        ],
    ),
    "ids-and-links": (
        ["kb/store/validate.py", "kb/store/knowledge.py"],
        ["tests/kb/store", "tests/whole/test_hostile_validate.py", "tests/kb/test_properties.py"],
    ),
    "index-update": (["kb/search/index.py"], ["tests/kb/search/test_index.py", "tests/kb/search/test_index_reads.py"]),
    "hand-edits": (["kb/notes/export.py"], ["tests/kb/notes"]),
}


def _scratch(work: Path, files: list[str], tests: list[str]) -> None:
    """A copy of the repository with a setup.cfg that tells mutmut what to mutate and test."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("kb", "tui", "devtools", "tests", "benchmarks"):
        shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "mutants"))
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    lines = "\n    ".join
    (work / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = kb\n"
        f"only_mutate =\n    {lines(files)}\n"
        f"pytest_add_cli_args_test_selection =\n    {lines(tests)}\n"
        "pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -x\n    -q\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", choices=[*TARGETS, []], help="what to mutate (default: all)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/chipkb-mutation"), help="the scratch folder")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (files, tests) in TARGETS.items():
            print(f"{name}: {', '.join(files)}  <-  {', '.join(tests)}")
        return 0
    failed = 0
    for name in args.targets or list(TARGETS):
        files, tests = TARGETS[name]
        work = args.work / name
        _scratch(work, files, tests)
        print(f"== {name}: mutating {', '.join(files)}", flush=True)
        subprocess.run([sys.executable, "-m", "mutmut", "run"], cwd=work, check=False)
        results = subprocess.run(
            [sys.executable, "-m", "mutmut", "results"], cwd=work, capture_output=True, text=True, check=False
        )
        survivors = [line.split(":")[0].strip() for line in results.stdout.splitlines() if "survived" in line]
        for mutant in survivors:
            shown = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", mutant], cwd=work, capture_output=True, text=True, check=False
            )
            print(shown.stdout)
        print(f"== {name}: {len(survivors)} surviving mutants", flush=True)
        failed += len(survivors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
