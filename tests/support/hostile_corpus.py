"""The corpus of bad KBs checked in under tests/fixtures/hostile: each case is copied beside a good
file, and EXPECTED holds, for each, its exact problems and the entities that still load (besides the
good file's `good-vendor`). tests/whole/test_hostile_validate.py checks them through the loader and
`chipkb validate`; tests/whole/test_hostile_everywhere.py through search, export and the app."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.paths import FIXTURES

HOSTILE = FIXTURES / "hostile"
GOOD = HOSTILE / "_good" / "good.yaml"

#: What the loader says of a figure outside the range every figure must keep (kb.store.schema).
RANGE = "field 'value' must be a number above 0, from 0.000001 to 1000000000000, not "
RESERVED = "Windows reserves that name for a device"

EXPECTED: dict[str, tuple[list[str], set[str]]] = {
    "bad-ids": (
        [
            "bad-ids/kb.yaml:2:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not '../../etc/passwd'",
            "bad-ids/kb.yaml:5:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'a/b'",
            "bad-ids/kb.yaml:8:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'has spaces'",
            "bad-ids/kb.yaml:11:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'UPPER'",
        ],
        set(),
    ),
    "bad-indentation": (
        [
            "bad-indentation/kb.yaml:4:4: YAML syntax error: did not find expected '-' indicator "
            "(while parsing a block collection started at line 2, column 3)"
        ],
        set(),
    ),
    "billion-laughs": (
        ["billion-laughs/kb.yaml:6:11: aliases expand to more than 100000 nodes (limit CHIPKB_MAX_NODES)"],
        set(),
    ),
    "binary": (["binary/kb.yaml:1:1: file is binary, not YAML text (it contains NUL bytes)"], set()),
    "claim-source-is-vendor": (
        ["claim-source-is-vendor/kb.yaml:9:13: source must name a source, but 'aws' is a vendor"],
        {"aws", "aws-says"},
    ),
    "cut-mid-flow": (
        [
            "cut-mid-flow/kb.yaml:3:1: YAML syntax error: did not find expected ',' or '}' "
            "(while parsing a flow mapping started at line 2, column 5)"
        ],
        set(),
    ),
    "cut-mid-token": (
        [
            "cut-mid-token/kb.yaml:4:11: field 'kind' must be one of hyperscaler, chip-designer, foundry, "
            "device-maker, platform, other; not 'hyper' (did you mean 'hyperscaler'?)"
        ],
        set(),
    ),
    "duplicate-ids-across-files": (
        [
            "duplicate-ids-across-files/b.yaml:2:9: duplicate id 'aws': also a vendor at "
            "duplicate-ids-across-files/a.yaml:2:9"
        ],
        {"aws"},
    ),
    "duplicate-keys": (["duplicate-keys/kb.yaml:5:5: duplicate key 'name' (first at line 3)"], {"aws"}),
    "empty-file": (
        ["empty-file/kb.yaml:1:1: warning: file is empty: it holds no vendors, chips, sources or claims"],
        set(),
    ),
    "empty-required-fields": (
        [
            "empty-required-fields/kb.yaml:13:15: field 'subjects' is empty: a claim needs it",
            "empty-required-fields/kb.yaml:21:14: field 'excerpt' is empty: a claim needs it",
            "empty-required-fields/kb.yaml:24:16: field 'statement' is empty: a claim needs it",
        ],
        {"aws", "src", "fine"},
    ),
    "exponent-as-text": (
        [
            "exponent-as-text/kb.yaml:16:35: field 'value' must be a number, not '1.0e308' (YAML reads '1.0e308' as "
            "text: write 1.0e+308, with a dot and a signed exponent)",
            "exponent-as-text/kb.yaml:17:28: field 'value' must be a number, not '5e2' (YAML reads '5e2' as text: "
            "write 5.0e+2, with a dot and a signed exponent)",
        ],
        {"aws", "src", "trn2"},
    ),
    "figure-overflow": (
        [
            f"figure-overflow/kb.yaml:16:35: {RANGE}float 1e+308",
            f"figure-overflow/kb.yaml:17:34: {RANGE}float inf",
            f"figure-overflow/kb.yaml:18:35: {RANGE}float nan",
            f"figure-overflow/kb.yaml:19:28: {RANGE}float 1e-10",
        ],
        {"aws", "src", "trn2"},
    ),
    "hostile-text": ([], {"markup-vendor"}),
    "huge-integer": (
        [f"huge-integer/kb.yaml:16:28: {RANGE}an integer of 309 digits"],
        {"aws", "src", "trn2"},
    ),
    "latin1": (["latin1/kb.yaml:5:18: file is not UTF-8: byte 0xf1 cannot be decoded"], set()),
    "long-id": (["long-id/kb.yaml:2:9: field 'id' is 250 characters long; an id has at most 100"], {"short"}),
    "missing-references": (["missing-references/kb.yaml:4:13: vendor refers to unknown vendor 'amazn'"], {"trn"}),
    "negative-figures": (
        [
            f"negative-figures/kb.yaml:16:28: {RANGE}int -500",
            f"negative-figures/kb.yaml:17:35: {RANGE}int -667",
            f"negative-figures/kb.yaml:18:37: {RANGE}int 0",
        ],
        {"aws", "src", "trn2"},
    ),
    "number-as-string": (
        ["number-as-string/kb.yaml:15:37: field 'value' must be a number, not '96 GB'"],
        {"aws", "src", "trn2"},
    ),
    "only-comments": (
        ["only-comments/kb.yaml:1:1: warning: file is empty: it holds no vendors, chips, sources or claims"],
        set(),
    ),
    "reference-cycles": (
        ["reference-cycles/kb.yaml:32:19: claim 'claim-c' contradicts itself"],
        {"aws", "src", "claim-a", "claim-b", "claim-c"},
    ),
    "tab-indentation": (
        [
            "tab-indentation/kb.yaml:2:1: YAML syntax error: found character that cannot start any token "
            "(while scanning for the next token)"
        ],
        set(),
    ),
    "top-level-list": (
        [
            "top-level-list/kb.yaml:1:1: the top level must be a mapping of vendors, chips, sources or claims, "
            "not a list"
        ],
        set(),
    ),
    "top-level-scalar": (
        [
            "top-level-scalar/kb.yaml:1:1: the top level must be a mapping of vendors, chips, sources or claims, "
            "not a single value"
        ],
        set(),
    ),
    "unclosed-quote": (
        [
            "unclosed-quote/kb.yaml:5:1: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar started at line 3, column 11)"
        ],
        set(),
    ),
    "upper-case-suffix": (
        [
            "upper-case-suffix/kb.YAML:1:1: warning: file name ends in '.YAML': chipkb reads only .yaml and .yml "
            "files; rename it",
            "upper-case-suffix/other.Yml:1:1: warning: file name ends in '.Yml': chipkb reads only .yaml and .yml "
            "files; rename it",
        ],
        set(),
    ),
    "utf16": (["utf16/kb.yaml:1:1: file is UTF-16, not UTF-8: re-save it as UTF-8"], set()),
    "utf8-bom": ([], {"bom-vendor"}),
    "windows-reserved-ids": (
        [
            f"windows-reserved-ids/kb.yaml:{line}:10: field 'id' cannot be {name!r}: {RESERVED}"
            for line, name in ((2, "con"), (3, "aux"), (4, "nul"), (5, "com1"), (6, "lpt9"))
        ],
        {"console"},
    ),
    "wrong-date-format": (
        [
            "wrong-date-format/kb.yaml:10:16: field 'announced' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, "
            "not '28/11/2023'",
            "wrong-date-format/kb.yaml:11:16: field 'available' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, "
            "not '2024-13-01'",
        ],
        {"aws", "trn2"},
    ),
}


def materialise(case: str, into: Path) -> Path:
    """The case's files plus the good file, in `into/case`."""
    target = into / case
    shutil.copytree(HOSTILE / case, target)
    shutil.copy(GOOD, target / "good.yaml")
    return target


#: Queries that crashed or took minutes (issue 16), searched on `query_kb`: each with the exit code
#: and the exact lines `chipkb search` writes to stderr.  A refusal is one line and exit 2; a limit
#: on the query's cost that applied is a note over the results.
LONG_WORD = "x" * 100
HOSTILE_QUERIES: dict[str, tuple[int, list[str]]] = {
    **{f"{facet}:*": (0, []) for facet in ("type", "vendor", "kind", "lang", "id", "year")},
    # no claim or chip: nothing has a tag or a chip
    **{f"{facet}:*": (1, [f"chipkb: no hits: nothing matches {facet}:*"]) for facet in ("tag", "chip")},
    "type:* NOT vendor:*": (0, []),
    "accelerator": (0, []),  # one word 20,000 times in a text
    "?*?*?*": (
        0,
        [
            "chipkb: note: ?*?*?* stands for more than 100 words: searched for the first 100 in alphabetical"
            " order (make it longer to narrow it)"
        ],
    ),
    "good~7": (0, ["chipkb: note: good~7: a fuzzy word allows at most 2 edits; searched with 2"]),
    LONG_WORD: (
        1,
        ["chipkb: note: no suggestions for words over 40 characters", f"chipkb: no hits: nothing matches {LONG_WORD}"],
    ),
    "x" * 10_000: (2, ["chipkb: error: the query is 10000 characters long; a query has 2000 at most"]),
    " ".join(f"word{n}~" for n in range(50)): (
        2,
        ["chipkb: error: the query has 50 wildcard or fuzzy words; at most 20 are searched at once"],
    ),
}


def query_kb(root: Path) -> Path:
    """The good file beside a source that holds one word 20,000 times and one of 300 distinct
    words (more than a wildcard may stand for)."""
    root.mkdir()
    shutil.copy(GOOD, root / "good.yaml")
    repeated = " ".join(["accelerator"] * 20_000)
    distinct = " ".join(f"zeta{n:03d}" for n in range(300))
    (root / "sources.yaml").write_text(
        "sources:\n"
        f'  - {{id: repeats, title: Repeats, language: en, published: "2024", text: "{repeated}"}}\n'
        f'  - {{id: many-words, title: Many words, language: en, published: "2025", text: "{distinct}"}}\n',
        encoding="utf-8",
    )
    return root
