"""Small KBs, dataset copies and a way to run `chipkb import` for the importer's tests.

Standard library only: the tests write their own KBs into pytest's tmp_path.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import textwrap
from pathlib import Path

DATA = Path(__file__).parent / "data"
EPOCH = DATA / "epoch_ml_hardware.csv"
REUTHER = DATA / "reuther_excerpt.csv"

#: Vendors, two sources and a chip the KB states figures of: what most tests start from.
BASE_KB = {
    "docs/kb.schema.json": "{}\n",
    "kb/vendors/vendors.yaml": """
        vendors:
          - {id: nvidia, name: NVIDIA, kind: chip-designer}
          - {id: google, name: Google, aliases: [Google Cloud], kind: hyperscaler}
          - {id: aws, name: Amazon Web Services, aliases: [AWS, Amazon, Amazon AWS], kind: hyperscaler}
          - {id: amd, name: AMD, kind: chip-designer}
          - {id: tsmc, name: TSMC, kind: foundry}
        """,
    "kb/sources/sources.yaml": """
        sources:
          - id: nvidia-datasheet
            title: NVIDIA H100 Tensor Core GPU datasheet
            language: en
          - id: google-tpu-docs
            title: Cloud TPU system architecture
            language: en
        """,
    "kb/chips/nvidia.yaml": """
        # NVIDIA's chips, written by hand.
        chips:
          - id: nvidia-h100
            name: NVIDIA H100 (SXM5 80 GB)
            aliases: [H100]
            vendor: nvidia
            kind: gpu
            memory: HBM3
            specs:
              - {name: bf16-dense, value: 989, unit: TFLOPS, source: nvidia-datasheet}
              - {name: tf32-dense, value: 494.5, unit: TFLOPS, source: nvidia-datasheet}  # a comment kept as is
              - {name: tdp, value: 700, unit: W, source: nvidia-datasheet}
        """,
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> YAML, dedented) under `root`; return root/kb (the KB folder)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(text).lstrip("\n")
        if rel.startswith("kb/") and rel.endswith(".yaml") and "/." not in rel:
            depth = rel.count("/") - 1
            body = f"# yaml-language-server: $schema={'../' * (depth + 1)}docs/kb.schema.json\n" + body
        path.write_text(body, encoding="utf-8")
    return root / "kb"


def make_kb(root: Path, mapping: str | None = None, extra: dict[str, str] | None = None) -> Path:
    """The base KB under `root`, with an Epoch mapping table when `mapping` is given."""
    files = dict(BASE_KB)
    files.update(extra or {})
    if mapping is not None:
        files["kb/.imports/epoch.yaml"] = mapping
    return write_tree(root, files)


def shown(path: Path) -> str:
    """A path as chipkb prints it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run `chipkb ARGS` in-process: exit code, standard output, standard error."""
    from kb.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_csv(source: Path, target: Path, replace: list[tuple[str, str]] | None = None) -> Path:
    """A copy of a dataset CSV with exact text replacements, each of which must apply once."""
    text = source.read_bytes().decode("utf-8")
    for old, new in replace or []:
        assert text.count(old) == 1, f"{old!r} appears {text.count(old)} times"
        text = text.replace(old, new)
    target.write_bytes(text.encode("utf-8"))
    return target


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def figure_lines(text: str, chip_or_row: str) -> list[str]:
    """The lines of a file that hold an imported figure from a given row (by its locator)."""
    return [line.strip() for line in text.splitlines() if f"row '{chip_or_row}'" in line]
