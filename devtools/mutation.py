"""Mutation testing of the rules that matter most: small deliberate bugs put into the code, one at
a time, each of which the tests must notice.

    python -m devtools.mutation                 # every target below (long: see docs/mutation-testing.md)
    python -m devtools.mutation escaping        # one target
    python -m devtools.mutation --list          # the targets

Runs mutmut (`pip install mutmut`) in a scratch copy of the repository (`--work`, default
/tmp/chipkb-mutation), so the work tree never holds mutants; prints each surviving mutant's diff.
A target names either whole files or the functions of one rule in them (`file.py:Class.method`),
so a run mutates that rule and runs only the tests that reach it.
Not part of the test suite.  docs/mutation-testing.md explains every mutant that survives.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: mutmut's separator between a class and its method in a mutant's name.
_CLASS_SEPARATOR = "\u01c1"
#: The outcomes that mean the tests did not notice the mutant.
_UNNOTICED = ("survived", "no tests")
#: Added to the scratch copy's tests/conftest.py: a property that fails is reported at once, not
#: shrunk (shrinking outlasts mutmut's time limit, so a caught mutant would count as a timeout),
#: and the examples are the same on every run, so two runs give the same survivors.
_HYPOTHESIS_PROFILE = """

from hypothesis import Phase as _Phase, settings as _settings

_settings.register_profile(
    "mutation", phases=[_Phase.explicit, _Phase.reuse, _Phase.generate], derandomize=True, database=None
)
_settings.load_profile("mutation")
"""


@dataclass(frozen=True)
class Target:
    """What one run mutates, and the tests that must notice."""

    #: The files mutated; with `functions`, only those functions of them.
    files: tuple[str, ...]
    tests: tuple[str, ...]
    #: `path.py:function` or `path.py:Class.method`; empty means every function of `files`.
    functions: tuple[str, ...] = ()


TARGETS: dict[str, Target] = {
    "escaping": Target(
        ("kb/text/terminal_safe.py",),
        ("tests/kb/text/test_terminal_safe.py", "tests/kb/text/test_file_names_not_utf8.py"),
    ),
    "verbatim": Target(
        ("kb/text/passages.py",),
        (
            "tests/kb/text/test_passages.py",
            "tests/kb/test_one_home_rules.py",
            "tests/kb/test_properties.py",
            "tests/kb/store",
        ),
    ),
    "duplicate-ids": Target(
        ("kb/store/validate.py",),
        ("tests/kb/store", "tests/whole/test_hostile_validate.py"),
        ("kb/store/validate.py:unique_entities",),
    ),
    "links": Target(
        ("kb/store/validate.py", "kb/store/knowledge.py"),
        ("tests/kb/store", "tests/kb/test_properties.py"),
        (
            "kb/store/validate.py:_Checker.claim",
            "kb/store/knowledge.py:KnowledgeBase._incoming",
            "kb/store/knowledge.py:KnowledgeBase.supported_by",
            "kb/store/knowledge.py:KnowledgeBase.contradicted_by",
            "kb/store/knowledge.py:KnowledgeBase.status",
        ),
    ),
    "index-update": Target(
        ("kb/search/index.py",),
        (
            "tests/kb/search/test_index.py",
            "tests/kb/search/test_index_reads.py",
            "tests/kb/search/test_index_update_step.py",
        ),
        (
            "kb/search/index.py:_moved",
            "kb/search/index.py:_diff",
            "kb/search/index.py:merged_facts",
            "kb/search/index.py:SearchIndex._update_locked",
            "kb/search/index.py:SearchIndex._apply",
            "kb/search/index.py:SearchIndex._index_all",
        ),
    ),
    "hand-edits": Target(
        ("kb/notes/export.py",),
        (
            "tests/kb/notes/test_export.py",
            "tests/kb/notes/test_partial_export.py",
            "tests/kb/notes/test_hand_edit_check.py",
        ),
        (
            "kb/notes/export.py:_read_manifest",
            "kb/notes/export.py:_promise_new_notes",
            "kb/notes/export.py:_write_into",
        ),
    ),
}


def _function_node(tree: ast.Module, qualified: str) -> ast.FunctionDef:
    """The definition of `function` or `Class.method` in a module."""
    body: list[ast.stmt] = tree.body
    *classes, name = qualified.split(".")
    for class_name in classes:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == class_name).body
    return next(n for n in body if isinstance(n, ast.FunctionDef) and n.name == name)


def mutant_pattern(function: str, source: str) -> str:
    """The mutmut pattern of one function's mutants (`kb.store.knowledge.xǁKnowledgeBaseǁstatus*`).

    mutmut matches it against both the function's name and its mutants' names, so it ends in `*`;
    no other function of the same scope may start with the same name, or the pattern would take
    its mutants too.
    """
    path, qualified = function.split(":")
    module = path.removesuffix(".py").replace("/", ".")
    *classes, name = qualified.split(".")
    tree = ast.parse(source)
    scope: list[ast.stmt] = tree.body
    for class_name in classes:
        scope = next(n for n in scope if isinstance(n, ast.ClassDef) and n.name == class_name).body
    clashes = [n.name for n in scope if isinstance(n, ast.FunctionDef) and n.name != name and n.name.startswith(name)]
    if clashes:
        raise ValueError(f"{function}: the pattern would also take the mutants of {', '.join(clashes)}")
    mangled = f"x{_CLASS_SEPARATOR}{_CLASS_SEPARATOR.join(classes)}{_CLASS_SEPARATOR}{name}" if classes else f"x_{name}"
    return f"{module}.{mangled}*"


def undecorate(source: str, qualified: list[str]) -> str:
    """`source` with the decorators of the named functions applied after them instead of above
    them (`@cached_property def f` becomes `def f ... f = cached_property(f)`), which behaves the
    same: mutmut leaves decorated functions alone, and `KnowledgeBase._incoming` is one."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    nodes = [_function_node(tree, name) for name in qualified]
    for node in sorted((n for n in nodes if n.decorator_list), key=lambda n: n.lineno, reverse=True):
        indent = " " * node.col_offset
        applied = node.name
        for decorator in reversed(node.decorator_list):
            applied = f"{ast.get_source_segment(source, decorator)}({applied})"
        assert node.end_lineno is not None
        lines.insert(node.end_lineno, f"{indent}{node.name} = {applied}\n")
        del lines[node.decorator_list[0].lineno - 1 : node.lineno - 1]
    return "".join(lines)


def _scratch(work: Path, target: Target) -> list[str]:
    """A copy of the repository with a setup.cfg that tells mutmut what to mutate and test; returns
    the mutmut patterns of the target's functions."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("kb", "tui", "devtools", "tests", "benchmarks"):
        shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "mutants"))
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    with (work / "tests" / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(_HYPOTHESIS_PROFILE)
    patterns = []
    by_file: dict[str, list[str]] = {}
    for function in target.functions:
        path, qualified = function.split(":")
        by_file.setdefault(path, []).append(qualified)
    for path, qualified in by_file.items():
        source = (work / path).read_text(encoding="utf-8")
        patterns += [mutant_pattern(f"{path}:{name}", source) for name in qualified]
        (work / path).write_text(undecorate(source, qualified), encoding="utf-8")
    lines = "\n    ".join
    (work / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = kb\n"
        f"only_mutate =\n    {lines(target.files)}\n"
        f"pytest_add_cli_args_test_selection =\n    {lines(target.tests)}\n"
        "pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -x\n    -q\n",
        encoding="utf-8",
    )
    return patterns


def _mutmut(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args], cwd=work, capture_output=True, text=True, check=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", choices=[*TARGETS, []], help="what to mutate (default: all)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/chipkb-mutation"), help="the scratch folder")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default: 1)")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, target in TARGETS.items():
            print(f"{name}: {', '.join(target.functions or target.files)}  <-  {', '.join(target.tests)}")
        return 0
    failed = 0
    for name in args.targets or list(TARGETS):
        target = TARGETS[name]
        work = args.work / name
        patterns = _scratch(work, target)
        print(f"== {name}: mutating {', '.join(target.functions or target.files)}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", f"--max-children={args.jobs}", *patterns], cwd=work, check=False
        )
        outcomes: dict[str, list[str]] = {}
        for line in _mutmut(work, "results", "--all=true").stdout.splitlines():
            mutant, _, status = line.strip().rpartition(": ")
            if status != "not checked":
                outcomes.setdefault(status, []).append(mutant)
        survivors = [mutant for status in _UNNOTICED for mutant in outcomes.get(status, [])]
        for mutant in survivors:
            print(_mutmut(work, "show", mutant).stdout)
        counts = ", ".join(f"{len(mutants)} {status}" for status, mutants in sorted(outcomes.items()))
        print(f"== {name}: {counts}; {len(survivors)} not noticed by the tests", flush=True)
        failed += len(survivors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
