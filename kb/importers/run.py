"""One import, start to end: read the CSV and the KB, plan, render, check, and (asked to) write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.importers.csvfile import read_table
from kb.importers.dataset import Dataset, check_columns
from kb.importers.edits import render_files
from kb.importers.epoch import Epoch
from kb.importers.mapping import FOLDER, TEMPLATE, read_mapping
from kb.importers.plan import Plan, make_plan
from kb.importers.reuther import Reuther
from kb.importers.writing import WriteConflict, new_errors, write_atomically
from kb.importers.yamltext import KBFile, read_kb_file
from kb.store.knowledge import load_kb
from kb.store.load import display_path, kb_files
from kb.store.model import Problem

DATASETS: dict[str, type[Dataset]] = {"epoch": Epoch, "reuther": Reuther}


@dataclass
class Outcome:
    """What an import found: problems (nothing can be written), or a plan and the files it changes."""

    dataset: Dataset
    csv_path: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    plan: Plan | None = None
    #: KB-relative path -> new text (None: the file is deleted).
    texts: dict[str, str | None] = field(default_factory=dict)
    written: bool = False


def run_import(dataset_name: str, csv_file: Path, kb_root: Path, write: bool = False) -> Outcome:
    dataset = DATASETS[dataset_name]()
    csv_path = display_path(kb_root, csv_file)
    outcome = Outcome(dataset, csv_path)
    table, problems = read_table(csv_file, csv_path)
    if table is not None and not problems:
        problems = check_columns(table, dataset)
    if table is None or problems:
        outcome.problems = problems
        return outcome
    rows, problems = dataset.rows(table)
    outcome.rows = len(table.records)
    if problems:
        outcome.problems = problems
        return outcome
    kb = load_kb(kb_root)
    files: dict[str, KBFile] = {}
    for file in kb_files(kb_root, []):
        kb_file = read_kb_file(kb_root, file)
        if kb_file is not None:
            files[kb_file.rel] = kb_file
    mapping, problems = read_mapping(kb_root, dataset.name)
    if problems:
        outcome.problems = problems
        return outcome
    plan = make_plan(dataset, rows, kb, files, mapping, csv_path)
    outcome.plan = plan
    if plan.problems:
        outcome.problems = plan.problems
        return outcome
    texts, problems = render_files(plan, kb_root, files)
    if not problems and texts:
        try:
            problems = [
                Problem(p.path, p.line, p.col, f"the import would make the KB invalid: {p.message}")
                for p in new_errors(kb_root, kb, texts)
            ]
        except OSError as error:
            where = str(error.filename or kb_root)
            problems = [Problem(where, 1, 1, f"cannot check the result in a copy of the KB: {error.strerror or error}")]
    if problems:
        outcome.problems = problems
        return outcome
    if texts and not mapping.exists:
        texts[f"{FOLDER}/{dataset.name}.yaml"] = TEMPLATE.format(dataset=dataset.name)
    outcome.texts = texts
    if write and texts:
        read = {rel: (files[rel].data if rel in files else None) for rel in texts}
        try:
            write_atomically(kb_root, texts, read)
        except WriteConflict as conflict:
            outcome.problems = [Problem(str(kb_root), 1, 1, str(conflict))]
            return outcome
        except OSError as error:
            where = error.filename or str(kb_root)
            outcome.problems = [
                Problem(str(where), 1, 1, f"cannot write: {error.strerror or error}; nothing more was written")
            ]
            return outcome
        outcome.written = True
    return outcome
