"""Blank templates for analysts: for each shipped mapping, a CSV (UTF-8 with BOM, so Excel shows
the Chinese headers) and an XLSX holding just the header row the mapping reads.

The shipped copies live in ``ingest/mappings/templates``; regenerate them after editing a mapping::

    python -m ingest.templates
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingest.mapping import load_mapping
from ingest.synthetic import MAPPINGS, write_xlsx

TEMPLATES = MAPPINGS / "templates"


def template_columns(mapping_path: Path) -> list[str]:
    """The header of a mapping's blank template: every column it reads, in mapping order."""
    return load_mapping(mapping_path).used_columns()


def write_templates(folder: Path = TEMPLATES) -> list[Path]:
    """Write ``<name>.csv`` and ``<name>.xlsx`` templates for every mapping in ``MAPPINGS``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for mapping_path in sorted(MAPPINGS.glob("*.yaml")):
        if mapping_path.stem.startswith("aliases"):
            continue
        columns = template_columns(mapping_path)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(columns)
        path = folder / f"{mapping_path.stem}.csv"
        path.write_bytes(buf.getvalue().encode("utf-8-sig"))
        xlsx = folder / f"{mapping_path.stem}.xlsx"
        write_xlsx(xlsx, [columns])
        written += [path, xlsx]
    return written


if __name__ == "__main__":
    for p in write_templates():
        print(p)
