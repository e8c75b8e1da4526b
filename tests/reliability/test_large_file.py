"""Large generated files are streamed: peak memory does not grow with the file's length, and a
million-row file loads every good row and rejects exactly its bad ones.

Each ingest runs in a fresh process (so ``ru_maxrss`` is its own). The rows name 2,000 enterprises
over and over, so the resolver's index of known entities stays the same size and only streaming is
measured. (The resolver keeps every distinct entity in memory by design, ~1.7 KB each.)

``IKG_LARGE_ROWS`` sets the long file's rows in the memory test (default 40,000 rows of ~1 KB,
~36 MB); the million-row file has two columns (~45 MB) and the two-column mapping, which the
pipeline reads at ~25,000 rows/s of CPU here.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.stores.sqlite import SQLiteStore
from tests.reliability.corpus import enterprise_name

ROWS = int(os.environ.get("IKG_LARGE_ROWS", "40000"))
DISTINCT = 2000
MILLION = 1_000_000

_CHILD = """
import json, resource, sys
from pathlib import Path
from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from kg.stores.sqlite import SQLiteStore
from tests.reliability import corpus

src, db, mapping, rejects = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
store = SQLiteStore(db)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = ingest_file(
    store, src, parse_mapping(getattr(corpus, mapping)), batch_size=2000, rejects_path=rejects
)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"read": report.rows_read, "rows": report.rows_accepted,
                  "rejected": report.rows_rejected,
                  "rejects": [[r.row, r.field] for r in report.rejects],
                  "delta_kb": after - before, "nodes": store.stats().nodes}))
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


def _code(i: int) -> str:
    return f"9133{i:014d}"


def million_rows(bad: set[int]) -> Iterator[str]:
    """One million (credit code, name) rows cycling through ``DISTINCT`` firms; data rows whose
    index is in ``bad`` have a blank name; the last row names a firm that appears nowhere else."""
    names = [f"{_code(i)},{enterprise_name(i)}\n" for i in range(DISTINCT)]
    for i in range(MILLION - 1):
        yield f"{_code(i % DISTINCT)},\n" if i in bad else names[i % DISTINCT]
    yield f"{_code(MILLION)},末行精密有限公司\n"


def _ingest_in_child(src: Path, db: Path, mapping: str = "ENTERPRISES") -> dict[str, Any]:
    root = Path(__file__).parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(db), mapping, str(db.with_suffix(".rej"))],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    write_large_csv(short, ROWS // 4)
    size = write_large_csv(long, ROWS)
    a = _ingest_in_child(short, tmp_path / "a.sqlite")
    b = _ingest_in_child(long, tmp_path / "b.sqlite")
    assert (a["rows"], b["rows"], a["rejected"], b["rejected"]) == (ROWS // 4, ROWS, 0, 0)
    assert a["nodes"]["Enterprise"] == b["nodes"]["Enterprise"] == DISTINCT
    grown_mb = (b["delta_kb"] - a["delta_kb"]) / 1024
    # Four times the rows (size MB): peak memory may wobble by a few MB, never follow the file.
    assert grown_mb < 16, f"peak memory grew {grown_mb:.1f} MB for a {size >> 20} MB file"
    assert b["delta_kb"] / 1024 < max(64, (size >> 20) / 2)


@pytest.mark.slow
def test_a_million_row_file(tmp_path: Path) -> None:
    """Every row is read and counted, the three blank names are rejected with their row numbers
    (spreadsheet numbering, up to 1,000,001), the last row's firm is in the graph, and peak
    memory stays well under the file's size."""
    bad = {249_999, 499_999, 749_999}
    src = tmp_path / "企业.csv"
    with src.open("w", encoding="utf-8") as f:
        f.write("统一社会信用代码,企业名称\n")
        f.writelines(million_rows(bad))
    size_mb = src.stat().st_size >> 20
    db = tmp_path / "m.sqlite"
    got = _ingest_in_child(src, db, "ENTERPRISE_KEYS")
    assert (got["read"], got["rows"], got["rejected"]) == (MILLION, MILLION - 3, 3)
    assert got["rejects"] == [[i + 2, "企业名称"] for i in sorted(bad)]
    assert got["nodes"] == {"Enterprise": DISTINCT + 1}
    last = SQLiteStore(db).get_node(f"enterprise:{_code(MILLION)}")
    assert last.name == "末行精密有限公司" and last.provenance[0].row == MILLION + 1
    with db.with_suffix(".rej").open(encoding="utf-8-sig", newline="") as f:
        assert [r["row"] for r in csv.DictReader(f)] == [str(i + 2) for i in sorted(bad)]
    assert got["delta_kb"] / 1024 < size_mb / 2, f"peak memory +{got['delta_kb'] >> 10} MB"
