"""A seeded synthetic county, written as ordinary source files plus their mappings, so the demo
goes through the same pipeline a bureau's own files do.

>>> paths = generate("data/demo-src", scale=1.0, seed=7)  # doctest: +SKIP
>>> ingest_folder(store, "data/demo-src")  # doctest: +SKIP

Same seed and scale → byte-identical files. Every node it leads to carries ``synthetic: true``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ingest.synthetic.county import County

MAPPINGS = Path(__file__).resolve().parent.parent / "mappings"
# How each file is written: encoding for CSV, or xlsx. Government exports are often GB18030.
FILES: dict[str, str] = {
    "产业链环节": "utf-8",
    "高校名录": "utf-8",
    "实验室名录": "utf-8",
    "规上企业名录": "gb18030",
    "企业名录": "utf-8-sig",
    "平台名录": "xlsx",
    "人才清单": "utf-8",
    "联合培养基地成员": "utf-8",
    "研究生联合培养": "utf-8",
    "产学研合作协议": "utf-8",
    "项目清单": "utf-8",
    "专利清单": "gb18030",
    "供应关系": "utf-8",
}
_FIXED_TIME = datetime(2026, 1, 1)


def _write_csv(path: Path, rows: list[dict[str, Any]], encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    """An XLSX of ``rows`` (the first is the header) whose bytes depend only on ``rows``: fixed
    timestamps inside the workbook and in the zip."""
    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = _FIXED_TIME
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    raw = io.BytesIO()
    book.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            text = data.decode("utf-8", "replace") if info.filename.endswith("core.xml") else ""
            if text:  # openpyxl stamps the save time as "modified"
                start = text.find("<dcterms:modified")
                end = text.find("</dcterms:modified>")
                if start >= 0 and end >= 0:
                    text = text[:start] + text[end + len("</dcterms:modified>") :]
                data = text.encode()
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data)
    path.write_bytes(fixed.getvalue())


def _mapping_text(name: str, encoding: str) -> str:
    text = (MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8")
    return (
        text.rstrip("\n")
        + "\n# Generated data: every node is labelled synthetic.\nconstants: {synthetic: true}\n"
    )


def generate(out: str | Path, *, scale: float = 1.0, seed: int = 7) -> list[Path]:
    """Write the synthetic county's source files and mappings into ``out``; the paths written."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rows = County(seed=seed, scale=scale).build()
    written: list[Path] = []
    for name, how in FILES.items():
        data = rows.get(name)
        if not data:
            continue
        path = folder / f"{name}.{'xlsx' if how == 'xlsx' else 'csv'}"
        if how == "xlsx":
            write_xlsx(path, [list(data[0]), *(list(r.values()) for r in data)])
        else:
            _write_csv(path, data, how)
        mapping = folder / f"{name}.yaml"
        mapping.write_text(_mapping_text(name, how), encoding="utf-8")
        written += [path, mapping]
    aliases = folder / "aliases.yaml"
    aliases.write_text((MAPPINGS / "aliases.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    written.append(aliases)
    return written


__all__ = ["FILES", "MAPPINGS", "County", "generate", "write_xlsx"]
