"""Bad input to `chipkb import`: one line per problem with its place, exit 1 (2 for usage), no
traceback, and nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.importers.csvfile import parse_table
from tests.importers.helpers import EPOCH, REUTHER, copy_csv, files_of, make_kb, run, shown

HEADER_LINES = 1


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path)


def import_bad(kb: Path, csv: Path, dataset: str = "epoch") -> list[str]:
    """Import with --write; check exit 1, nothing written, and return the problem lines."""
    before = files_of(kb)
    code, out, err = run("import", dataset, csv, "--kb", kb, "--write")
    assert code == 1, out + err
    assert files_of(kb) == before
    assert "Traceback" not in out + err
    assert "nothing written" in err
    return out.splitlines()


def line_of(text: str, needle: str) -> tuple[int, int]:
    """(line, column) from 1 where `needle` starts in `text`."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_a_value_that_is_not_a_number_is_one_line_at_its_cell(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(EPOCH, tmp_path / "bad.csv", [("Google TPU v5p,Google,TPU,", "Google TPU v5p,Google,TPU,")])
    text = bad.read_text(encoding="utf-8")
    row = text.index("Google TPU v5p,")
    cell = text.index("459000000000000.0", row)
    bad.write_text(text[:cell] + "~4.59e14" + text[cell + len("459000000000000.0") :], encoding="utf-8")
    line, col = line_of(bad.read_text(encoding="utf-8"), "~4.59e14")
    lines = import_bad(kb, bad)
    assert lines == [
        f"{bad}:{line}:{col}: row 'Google TPU v5p', column 'Tensor-FP16/BF16 performance (FLOP/s)':"
        " '~4.59e14' is not a number"
    ]


def test_every_bad_value_is_listed_not_only_the_first(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(
        EPOCH,
        tmp_path / "bad.csv",
        [
            ('datasheet",2025-08-22,,2500000000000000.0,', 'datasheet",2025-08-22,,~1e15,'),  # NVIDIA GB300
            (
                "Maia 100 (M100),Microsoft,GPU,,2024-08-27,,800000000000000.0,",
                "Maia 100 (M100),Microsoft,GPU,,2024-08-27,,-8e14,",
            ),
            (",800.0,,,,,,,,TSMC,,", ",800 W,,,,,,,,TSMC,,"),  # Meta MTIA 300's TDP
            (",TSMC,820.0,,,,,,5.0,", ",TSMC,820.0,,,,,,5e99,"),  # Maia 100's process
        ],
    )
    lines = import_bad(kb, bad)
    assert len(lines) == 4
    assert any("column 'Process size (nm)': '5e99' is out of any figure's range" in line for line in lines)
    assert any("'~1e15' is not a number" in line and "NVIDIA GB300 (Blackwell Ultra)" in line for line in lines)
    assert any("'-8e14' is not a positive number" in line and "Maia 100 (M100)" in line for line in lines)
    assert any("column 'TDP (W)': '800 W' is not a number" in line and "Meta MTIA 300" in line for line in lines)


def test_a_file_cut_inside_a_quoted_field(kb: Path, tmp_path: Path) -> None:
    text = EPOCH.read_text(encoding="utf-8")
    cut_at = text.index("Google does not officially state TPUv7's TDP") + 10
    cut = tmp_path / "cut.csv"
    cut.write_text(text[:cut_at], encoding="utf-8")
    line, col = line_of(text, '"source for release date')
    assert import_bad(kb, cut) == [
        f"{cut}:{line}:{col}: a quoted field is not closed: the file ends inside it (is the file cut short?)"
    ]


def test_a_file_cut_between_fields(kb: Path, tmp_path: Path) -> None:
    text = EPOCH.read_text(encoding="utf-8")
    cut_at = text.index("Huawei Ascend 920,Huawei,NPU,,2025-10-01,") + len("Huawei Ascend 920,Huawei,NPU,")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[:cut_at], encoding="utf-8")
    line, _ = line_of(text, "Huawei Ascend 920,")
    assert import_bad(kb, cut) == [f"{cut}:{line}:1: row 4 has 4 fields, the header has 39 (is the file cut short?)"]


def test_a_row_with_too_many_fields_in_the_middle(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(EPOCH, tmp_path / "bad.csv", [("Huawei Ascend 920,Huawei,NPU,", "Huawei Ascend 920,Huawei,NPU,,")])
    line, _ = line_of(bad.read_text(encoding="utf-8"), "Huawei Ascend 920,")
    assert import_bad(kb, bad) == [f"{bad}:{line}:1: row 4 has 40 fields, the header has 39"]


def test_not_utf8(kb: Path, tmp_path: Path) -> None:
    data = EPOCH.read_bytes().replace(b"MetaX MXN100", b"MetaX MXN100 \xe9", 1)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(data)
    line, col = line_of(data.decode("utf-8", "replace"), "\ufffd")
    assert import_bad(kb, bad) == [f"{bad}:{line}:{col}: file is not UTF-8: byte 0xe9 cannot be decoded"]


def test_utf16(kb: Path, tmp_path: Path) -> None:
    bad = tmp_path / "utf16.csv"
    bad.write_bytes(EPOCH.read_text(encoding="utf-8").encode("utf-16"))
    assert import_bad(kb, bad) == [f"{bad}:1:1: file is UTF-16, not UTF-8: re-save it as UTF-8"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty: it has no header and no rows"),
        (b"\n\n  \n", "file is empty: it has no header and no rows"),
        (b"PK\x03\x04\x00\x00binary", "file is binary, not CSV text (it contains NUL bytes)"),
    ],
)
def test_empty_and_binary_files(kb: Path, tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    assert import_bad(kb, bad) == [f"{bad}:1:1: {message}"]


def test_another_datasets_csv(kb: Path) -> None:
    (line,) = import_bad(kb, REUTHER, "epoch")
    assert line.startswith(f"{shown(REUTHER)}:1:1: not Epoch AI's 'Machine Learning Hardware' CSV as published:")
    assert "'Hardware name'" in line and "this file has 'Company', 'Product'" in line
    (line,) = import_bad(kb, EPOCH, "reuther")
    assert line.startswith(
        f"{shown(EPOCH)}:1:1: not the Lincoln AI Computing Survey CSV (Reuther et al., IEEE HPEC 2023)"
    )


def test_a_column_renamed(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(EPOCH, tmp_path / "bad.csv", [(",TDP (W),", ",TDP (watts),")])
    assert import_bad(kb, bad) == [f"{bad}:1:1: Epoch AI's 'Machine Learning Hardware' CSV: missing column 'TDP (W)'"]


def test_a_column_twice(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(EPOCH, tmp_path / "bad.csv", [(",Notes,", ",Foundry,")])
    header = bad.read_text(encoding="utf-8").split("\n")[0]
    col = header.rindex(",Foundry,") + 2
    assert import_bad(kb, bad) == [f"{bad}:1:{col}: column 'Foundry' appears twice in the header (fields 4 and 22)"]


def test_a_hardware_name_twice(kb: Path, tmp_path: Path) -> None:
    bad = copy_csv(EPOCH, tmp_path / "bad.csv", [("NVIDIA L20 PCle,NVIDIA", "NVIDIA L2 PCle,NVIDIA")])
    text = bad.read_text(encoding="utf-8")
    first = line_of(text, "NVIDIA L2 PCle,")[0]
    second_at = text.index("NVIDIA L2 PCle,", text.index("NVIDIA L2 PCle,") + 1)
    second = text.count("\n", 0, second_at) + 1
    assert import_bad(kb, bad) == [
        f"{bad}:{second}:1: row 'NVIDIA L2 PCle' appears twice (first at line {first}):"
        " rows are told apart by 'Hardware name'"
    ]


def test_a_bad_mapping_table_stops_the_import(tmp_path: Path) -> None:
    kb = make_kb(
        tmp_path,
        mapping="""
        rows:
          NVIDIA H100 SXM5 80GB: Not A Slug
          Google TPU v5p: {id: tpu-v5p, kind: tensor-thing, colour: red}
        vendors: [nvidia]
        skip: NVIDIA*
        memory:
          "AMD *": hbm3
        """,
    )
    lines = import_bad(kb, EPOCH)
    mapping = kb / ".imports" / "epoch.yaml"
    assert lines == [
        f"{mapping}:2:26: a row's entry (a chip id or skip) must be an id (a lowercase slug like 'trainium2'),"
        " not 'Not A Slug'",
        f"{mapping}:3:39: 'kind' must be one of training-accelerator, inference-accelerator, accelerator, gpu, cpu,"
        " soc, other; not 'tensor-thing'",
        f"{mapping}:3:53: unknown key 'colour' for a row (use id, vendor, kind, memory, leave-out)",
        f"{mapping}:4:10: 'vendors' must be a mapping",
        f"{mapping}:5:7: 'skip' must be a list of row names or patterns",
        f"{mapping}:7:12: the memory of 'AMD *' must be one of hbm, other; not 'hbm3' (did you mean 'hbm'?)",
    ]


def test_a_mapping_table_that_is_not_yaml(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, mapping="rows: {NVIDIA: [\n")
    (line,) = import_bad(kb, EPOCH)
    assert line.startswith(f"{kb / '.imports' / 'epoch.yaml'}:") and "YAML syntax error" in line


def test_leave_out_names_a_column_the_dataset_has(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, mapping="rows:\n  NVIDIA H100 SXM5 80GB: {leave-out: ['TDP (Watt)']}\n")
    (line,) = import_bad(kb, EPOCH)
    assert line.endswith(
        "no column 'TDP (Watt)' in Epoch AI's 'Machine Learning Hardware' CSV (did you mean 'TDP (W)'?)"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["import", "epoch", "missing.csv"], "chipkb: error: missing.csv: no such file"),
        (["import", "epoch", "."], "chipkb: error: .: a folder, not a CSV file"),
        (["import", "kaggle", str(EPOCH)], "chipkb: error: argument DATASET: invalid choice: 'kaggle'"),
        (["import", "epoch"], "chipkb: error: the following arguments are required: FILE.csv"),
    ],
)
def test_usage_errors_exit_2(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*arguments)
    assert code == 2
    assert err.startswith(message)
    assert out == ""


def test_a_missing_kb_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("import", "epoch", EPOCH, "--kb", tmp_path / "nowhere")
    assert code == 2
    assert err == f"chipkb: error: --kb {tmp_path / 'nowhere'}: no such folder\n"


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = subprocess.run(
        [sys.executable, "-m", "kb", "import", "epoch", str(bad), "--kb", str(kb), "--write"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{bad}:1:1: ")


# -- the CSV reader itself -----------------------------------------------------------------------


def test_quoted_fields_hold_commas_line_breaks_and_quotes() -> None:
    table, problems = parse_table('a,b,c\r\n1,"x, ""y""\r\nz",3\n"",,\n', "t.csv")
    assert problems == []
    assert [[cell.text for cell in r.cells.values()] for r in table.records] == [["1", 'x, "y"\nz', "3"], ["", "", ""]]
    cells = table.records[0].cells
    assert (cells["b"].line, cells["b"].col) == (2, 3)
    assert (cells["c"].line, cells["c"].col) == (3, 4)
    assert (table.records[1].line, table.records[1].cells["c"].col) == (4, 5)


def test_text_after_a_closing_quote_is_a_problem() -> None:
    _, problems = parse_table('a,b\n"x"y,2\n', "t.csv")
    assert [str(p) for p in problems] == [
        "t.csv:2:4: unexpected 'y' after the closing quote of a field (a quote inside a quoted field must be doubled)"
    ]


def test_blank_lines_hold_no_rows() -> None:
    table, problems = parse_table("a,b\n\n1,2\n\n", "t.csv")
    assert problems == []
    assert [(r.number, r.line) for r in table.records] == [(1, 3)]
