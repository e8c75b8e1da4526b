"""A large generated file is streamed: peak memory does not grow with the file's length.

Each ingest runs in a fresh process (so ``ru_maxrss`` is its own). Rows are ~1 KB (a long remark
column nobody maps) and name 2,000 enterprises over and over, so the resolver's index of known
entities stays the same size and only streaming is measured: the file 4× as long must not need
more memory. (The resolver keeps every distinct entity in memory by design, ~1.7 KB each; that
growth is measured by ``python -m bench.large_ingest``, not asserted here.)

``IKG_LARGE_ROWS`` sets the long file's rows (default 40,000, ~36 MB, ~20 s here); the pipeline
runs ~2,000 rows/s on this machine, so the 1M-row file lives in ``bench.large_ingest``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROWS = int(os.environ.get("IKG_LARGE_ROWS", "40000"))
DISTINCT = 2000

_CHILD = """
import json, resource, sys
from pathlib import Path
from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from kg.stores.sqlite import SQLiteStore
from tests.reliability.corpus import ENTERPRISES

src, db = Path(sys.argv[1]), Path(sys.argv[2])
store = SQLiteStore(db)
mapping = parse_mapping(ENTERPRISES)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = ingest_file(store, src, mapping, batch_size=2000)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": report.rows_accepted, "rejected": report.rows_rejected,
                  "delta_kb": after - before, "enterprises": store.stats().nodes["Enterprise"]}))
"""


def write_large_csv(path: Path, rows: int, distinct: int = DISTINCT) -> int:
    """Stream ``rows`` rows of ~1 KB naming ``distinct`` enterprises in turn; returns bytes."""
    from tests.reliability.corpus import HEADER, enterprise_rows

    remark = "备注" * 170
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER.strip() + ",备注\n")
        for start in range(0, rows, distinct):
            for line in enterprise_rows(min(distinct, rows - start)):
                f.write(f"{line[:-1]},{remark}\n")
    return path.stat().st_size


def _ingest_in_child(src: Path, db: Path) -> dict[str, int]:
    root = Path(__file__).parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(db)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result: dict[str, int] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    write_large_csv(short, ROWS // 4)
    size = write_large_csv(long, ROWS)
    a = _ingest_in_child(short, tmp_path / "a.sqlite")
    b = _ingest_in_child(long, tmp_path / "b.sqlite")
    assert (a["rows"], b["rows"], a["rejected"], b["rejected"]) == (ROWS // 4, ROWS, 0, 0)
    assert a["enterprises"] == b["enterprises"] == DISTINCT
    grown_mb = (b["delta_kb"] - a["delta_kb"]) / 1024
    # Four times the rows (size MB): peak memory may wobble by a few MB, never follow the file.
    assert grown_mb < 16, f"peak memory grew {grown_mb:.1f} MB for a {size >> 20} MB file"
    assert b["delta_kb"] / 1024 < max(64, (size >> 20) / 2)
