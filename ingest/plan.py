"""Which mapping reads which file: the shipped mappings, a data file's mapping, a folder's plan
(its mappings in load order and its alias tables)."""

from __future__ import annotations

from pathlib import Path

from ingest.mapping import Mapping, load_alias_table, load_mapping
from kg.errors import InvalidInput

_ALIAS_FILES = ("aliases", "别名")
SHIPPED_MAPPINGS = Path(__file__).parent / "mappings"


def shipped_mappings() -> dict[str, Path]:
    """The mappings that ship with the product, by name (file stem)."""
    return {
        p.stem: p
        for p in sorted(SHIPPED_MAPPINGS.glob("*.yaml"))
        if not p.stem.startswith("aliases")
    }


def mapping_for(data: Path, mapping: str | None = None) -> Mapping:
    """The mapping to read a data file by: ``mapping`` (a mapping YAML, or the name of a shipped
    one), else a YAML of the same name beside the file, else the shipped mapping of that name
    (规上企业名录.csv → 规上企业名录)."""
    shipped = shipped_mappings()
    if mapping is not None:
        if mapping in shipped:
            return load_mapping(shipped[mapping])
        if Path(mapping).suffix.lower() in (".yaml", ".yml"):
            return load_mapping(mapping)
        raise InvalidInput(
            f"no mapping {mapping!r}: give a mapping YAML or a shipped name ({', '.join(shipped)})"
        )
    beside = [data.with_suffix(s) for s in (".yaml", ".yml")]
    for path in beside:
        if path.is_file():
            return load_mapping(path)
    if data.stem in shipped:
        return load_mapping(shipped[data.stem])
    raise InvalidInput(
        f"no mapping for {data.name}: give --mapping (a YAML, or a shipped name: "
        f"{', '.join(shipped)}) or put {beside[0].name} beside it"
    )


def read_alias_file(path: Path) -> dict[str, str]:
    """An alias table file (YAML or CSV): alias → canonical name."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read alias table {path}: {exc}") from exc
    return load_alias_table(text, suffix=path.suffix, where=str(path))


def mapping_aliases(mapping: Mapping) -> dict[str, str]:
    """The alias tables a mapping names, relative to the mapping file."""
    base = mapping.path.parent if mapping.path is not None else Path()
    out: dict[str, str] = {}
    for name in mapping.aliases:
        out.update(read_alias_file(base / name))
    return out


def folder_plan(folder: str | Path) -> tuple[list[Mapping], dict[str, str]]:
    """The mappings of a folder in load order (``order:``, then file name) and its alias tables
    (files named ``aliases*`` / ``别名*``, YAML or CSV)."""
    root = Path(folder)
    if not root.is_dir():
        raise InvalidInput(f"no such folder: {root}")
    mappings: list[Mapping] = []
    aliases: dict[str, str] = {}
    for path in sorted(root.iterdir()):
        if not path.is_file():
            continue
        if path.name.startswith(_ALIAS_FILES) and path.suffix.lower() in (".yaml", ".yml", ".csv"):
            aliases.update(read_alias_file(path))
        elif path.suffix.lower() in (".yaml", ".yml"):
            mapping = load_mapping(path)
            if mapping.source is None:
                raise InvalidInput(f"{path}: a mapping in a folder must name its `source:` file")
            mappings.append(mapping)
    if not mappings:
        raise InvalidInput(f"no mapping files (*.yaml naming a `source:`) in {root}")
    mappings.sort(key=lambda m: (m.order, str(m.path)))
    return mappings, aliases
