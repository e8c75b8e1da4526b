"""Peak memory of an ingest against the size of one file: is it flat in the number of rows?

Writes one 专利清单 CSV of N rows (each row a new patent, its applicants drawn from a fixed pool of
``--orgs`` organisations, inventors from a fixed pool of talents, fields from 40) and ingests it
with the shipped mapping into a fresh SQLite store, in a fresh process per size, with the writer
process (``KG_INGEST_WRITER=process``). Reports each process's peak RSS, so a size that grows the
rows tenfold with the same organisations shows what grows with the file and what does not. Run::

    python -m bench.ingest_memory --rows 100000 1000000 3000000 --out /work/scratch/mem

Prints one line per size and, unless ``--no-record``, appends a table to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
MAPPING = Path(__file__).parents[1] / "ingest" / "mappings" / "专利清单.yaml"
_FORMS = ("科技有限公司", "机械股份有限公司", "电子有限公司", "制药有限公司", "智能装备有限公司")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def write_patents(path: Path, rows: int, orgs: int, seed: int) -> None:
    """``rows`` patents over ``orgs`` fictional applicants (one in five rows a co-application)."""
    rng = random.Random(seed)
    names = [f"新昌县甲{i:05d}{_FORMS[i % len(_FORMS)]}" for i in range(orgs)]
    people = [
        [rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN) for _ in range(5)]
        for _ in range(orgs)
    ]
    fields = [f"技术领域{i:02d}" for i in range(40)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "申请号",
                "专利名称",
                "专利类型",
                "申请人",
                "发明人",
                "IPC分类号",
                "申请日",
                "技术领域",
            ]
        )
        for i in range(rows):
            first = rng.randrange(orgs)
            applicants = [names[first]]
            if rng.random() < 0.2:
                applicants.append(names[rng.randrange(orgs)])
            inventors = rng.sample(people[first], 2)
            year = 2015 + i % 11
            out.writerow(
                [
                    f"CN{year}1{i:07d}.{i % 10}",
                    f"一种装置（{i}）",
                    "发明" if i % 3 else "实用新型",
                    "；".join(dict.fromkeys(applicants)),
                    "；".join(inventors),
                    f"B{i % 90 + 10}C",
                    f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                    fields[i % 40],
                ]
            )


def _child(src: Path, store: Path) -> dict[str, float]:
    from ingest.pipeline import ingest_file
    from kg.stores.sqlite import SQLiteStore

    wall, cpu = time.perf_counter(), time.process_time()
    report = ingest_file(SQLiteStore(store), src, src.with_suffix(".yaml"), writer="process")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rows": report.rows_read,
        "rejected": report.rows_rejected,
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "writer_peak_rss_mb": round(children.ru_maxrss / 1024),
        "store_mb": round(sum(p.stat().st_size for p in store.parent.glob("kg.sqlite*")) / 2**20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/out/memory"))
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.child.parent / "kg.sqlite")))
        return
    lines = []
    for rows in args.rows:
        folder = args.out / f"rows-{rows}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        src = folder / "专利清单.csv"
        write_patents(src, rows, args.orgs, args.seed)
        text = MAPPING.read_text(encoding="utf-8").replace("aliases: [aliases.yaml]\n", "")
        src.with_suffix(".yaml").write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "bench.ingest_memory", "--child", str(src)],
            check=True,
            capture_output=True,
            text=True,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        found["src_mb"] = round(src.stat().st_size / 2**20)
        found["load_avg_1m"] = round(os.getloadavg()[0], 1)
        print(rows, found, flush=True)
        lines.append(
            f"| {found['rows']:,} | {found['src_mb']} | {found['wall_s']} | "
            f"{found['rows'] / found['wall_s']:,.0f} | {found['peak_rss_mb']} | "
            f"{found['writer_peak_rss_mb']} | {found['store_mb']} | {found['load_avg_1m']} |"
        )
        shutil.rmtree(folder, ignore_errors=True)
    if args.no_record:
        return
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"\n### Memory against file size ({when}, `python -m bench.ingest_memory --rows "
        f"{' '.join(map(str, args.rows))} --orgs {args.orgs}`)\n\n"
        "One 专利清单 file, every row a new patent, applicants from a fixed pool of "
        f"{args.orgs:,} organisations; writer process.\n\n"
        "| rows | file MB | wall s | rows/s | ingesting process peak RSS MB | "
        "writer process peak RSS MB | store MB | load avg |\n|---|---|---|---|---|---|---|---|\n"
    )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(head + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
