"""The `# yaml-language-server: $schema=...` line that lets an editor check a KB file.

yaml-language-server (VS Code's YAML extension, Neovim's yamlls, Zed, Helix) checks a file
against the JSON Schema a comment of this form names, wherever the comment stands; chipkb writes
it as a file's first line and `chipkb validate` warns about a KB file that has none.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from kb.store.load import display_path
from kb.store.model import Problem
from kb.store.scan import scan_kb

SCHEMA_LINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)")
#: How much of a file is looked at: the comment block at the top of any KB file fits in it.
_HEAD_BYTES = 64 * 1024
MISSING = "no `# yaml-language-server: $schema=` line, so an editor checks nothing in this file (docs/schema.md)"


def names_schema(text: str) -> bool:
    """Whether a comment line in `text` names a schema the way yaml-language-server reads it."""
    return any(SCHEMA_LINE.match(line.lstrip()) for line in text.splitlines())


def missing_schema_lines(kb_root: Path) -> list[Problem]:
    """A warning for each KB file under `kb_root` whose head names no schema.

    Only regular files are opened, without waiting (a file swapped for a FIFO since the scan is
    passed over); what cannot be read is left to the loader, which reports it already."""
    warnings = []
    for rel in scan_kb(kb_root).yaml:
        file = kb_root / rel
        try:
            fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            head = handle.read(_HEAD_BYTES).decode("utf-8", "replace")
        if not names_schema(head):
            warnings.append(Problem(display_path(kb_root, file), 1, 1, MISSING, "warning"))
    return warnings
