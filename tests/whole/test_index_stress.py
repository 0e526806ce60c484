"""The index under pressure: files rewritten while searches run (Ctrl-C during a build: test_interrupt_build.py).

The stress test's short form runs with the suite; its long form (a 10k-claim KB, 40 searches)
runs only when asked:

    CHIPKB_STRESS=1 python -m pytest tests/whole/test_index_stress.py -q
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from devtools.synth import main as synth_main

LONG = os.environ.get("CHIPKB_STRESS") == "1"


def chipkb(*argv: str, cache: Path, **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kb", *argv],
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[arg-type]
    )


def ids(kb: Path, cache: Path, query: str) -> list[str]:
    process = chipkb("search", query, "--kb", str(kb), "--json", "--limit", "100000", cache=cache)
    out, err = process.communicate(timeout=600)
    assert "Traceback" not in err, err
    assert process.returncode in (0, 1), err
    return sorted(hit["id"] for hit in json.loads(out)["hits"]) if process.returncode == 0 else []


def _rewriter(kb: Path, stop: threading.Event, seed: int) -> None:
    """Save claim files as an editor does (a temporary file renamed over the old one), over and
    over, each time with another word in one statement."""
    rng = random.Random(seed)
    files = sorted((kb / "claims").glob("*.yaml"))
    originals = {path: path.read_text(encoding="utf-8") for path in files}
    number = 0
    while not stop.is_set():
        path = rng.choice(files)
        number += 1
        text = originals[path].replace('statement: "', f'statement: "stressword{number % 7} ', 1)
        temporary = path.with_name(f".{path.name}.{number}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        time.sleep(rng.uniform(0.0, 0.05))


def test_files_rewritten_during_searches_leave_the_index_as_a_fresh_one(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert synth_main(["--claims", "10000" if LONG else "400", "--out", str(kb)]) == 0
    cache = tmp_path / "cache"
    searches = 40 if LONG else 8
    assert ids(kb, cache, "type:chip")  # the first build
    stop = threading.Event()
    writer = threading.Thread(target=_rewriter, args=(kb, stop, 7), daemon=True)
    writer.start()
    try:
        for number in range(searches):
            ids(kb, cache, "type:chip" if number % 2 else f"stressword{number % 7}")
    finally:
        stop.set()
        writer.join(timeout=10)
    for query in ("type:chip", "type:claim", *(f"stressword{n}" for n in range(7))):
        assert ids(kb, cache, query) == ids(kb, tmp_path / f"fresh-{query}", query), query
