"""Mapping files are data: a mistake is reported with the file and the key at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.mapping import load_mapping, parse_mapping
from ingest.plan import folder_plan
from kg.errors import InvalidInput

MAPPINGS = Path(__file__).parents[2] / "ingest" / "mappings"


def test_shipped_mappings_are_valid_and_ordered() -> None:
    names = [p.stem for p in MAPPINGS.glob("*.yaml") if p.stem != "aliases"]
    assert len(names) >= 12
    for name in names:
        assert load_mapping(MAPPINGS / f"{name}.yaml").name == name
    mappings, aliases = folder_plan(MAPPINGS)
    order = [m.name for m in mappings]
    assert order.index("产业链环节") < order.index("规上企业名录") < order.index("产学研合作协议")
    assert aliases["万丰奥威"] == "浙江万丰奥威汽轮股份有限公司"


def test_unknown_property_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "nodes:\n  e: {type: Enterprise, name: 企业名称, properties: {revnue: 营业收入}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as err:
        load_mapping(path)
    assert str(path) in err.value.message
    assert "nodes.e" in err.value.message and "revnue" in err.value.message


def test_edge_to_unknown_node_and_wrong_endpoint_type() -> None:
    with pytest.raises(InvalidInput, match=r"edges\.0\.to: no node 'x'"):
        parse_mapping(
            "nodes: {e: {type: Enterprise, name: a}}\nedges: [{type: LEADS, from: e, to: x}]"
        )
    with pytest.raises(InvalidInput, match=r"APPLIED takes .*Patent"):
        parse_mapping(
            "nodes: {e: {type: Enterprise, name: a}, f: {type: Field, name: b}}\n"
            "edges: [{type: APPLIED, from: e, to: f}]"
        )


def test_of_names_another_node_of_the_mapping() -> None:
    """``of`` (the node whose resolved name completes a person's key) must name another node that
    has no ``of`` itself, and cannot come with ``key``."""
    person = "t: {type: Talent, name: a, of: %s}"
    with pytest.raises(InvalidInput, match=r"nodes\.t\.of: no other node 'x'"):
        parse_mapping("nodes: {%s}" % (person % "x"))
    with pytest.raises(InvalidInput, match=r"nodes\.t\.of: no other node 't'"):
        parse_mapping("nodes: {%s}" % (person % "t"))
    with pytest.raises(InvalidInput, match=r"nodes\.t\.of: node 'u' has an `of` of its own"):
        parse_mapping("nodes: {%s, u: {type: Talent, name: b, of: t}}" % (person % "u"))
    with pytest.raises(InvalidInput, match="not both"):
        parse_mapping("nodes: {t: {type: Talent, name: a, key: k, of: e}, e: {type: Lab, name: b}}")


def test_unknown_types_and_values() -> None:
    with pytest.raises(InvalidInput, match="unknown node type 'Company'"):
        parse_mapping("nodes: {e: {type: Company, name: a}}")
    with pytest.raises(InvalidInput, match="exactly one of"):
        parse_mapping("nodes: {e: {type: Enterprise, name: {column: a, const: b}}}")


def test_blank_templates_match_their_mappings(tmp_path: Path) -> None:
    """Each shipped template (CSV and XLSX) has exactly the columns its mapping reads, so a filled
    template loads; an empty one loads zero rows without complaint."""
    from openpyxl import load_workbook

    from ingest.templates import TEMPLATES, template_columns

    for mapping_path in MAPPINGS.glob("*.yaml"):
        if mapping_path.stem == "aliases":
            continue
        columns = template_columns(mapping_path)
        csv_header = (TEMPLATES / f"{mapping_path.stem}.csv").read_text(encoding="utf-8-sig")
        assert csv_header.strip().split(",") == columns, mapping_path.stem
        sheet = load_workbook(TEMPLATES / f"{mapping_path.stem}.xlsx", read_only=True).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows())] == columns
