"""Readers and value parsing on hand-made files: XLSX formula/#N/A cells, JSONL, JSON arrays."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from ingest.readers import CellError, read_records
from ingest.values import (
    parse_bool,
    parse_cny_10k,
    parse_credit_code,
    parse_date,
    parse_float,
    parse_patent_no,
    parse_year,
    split_cell,
)
from kg.errors import InvalidInput
from kg.stores.base import GraphStore

PROJECTS = """
name: 项目
nodes:
  project:
    type: Project
    name: 项目名称
    properties: {year: 年度, amount: 金额（万元）, programme: 计划类别}
  lead: {type: Enterprise, name: 牵头单位}
edges:
  - {type: LEADS, from: lead, to: project, properties: {year: 年度}}
"""


def test_values() -> None:
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool(" Y ") is True
    assert parse_float("1,234.5") == 1234.5 and parse_float("１２") == 12.0  # full-width digits
    assert parse_date("2023年5月7日") == "2023-05-07" and parse_date("2023/5/7") == "2023-05-07"
    assert parse_date("20230507") == "2023-05-07" and parse_date(45053) == "2023-05-07"
    assert parse_year("2021年") == 2021 and parse_year("2021-03-01") == 2021
    assert parse_date("2023年5月") == "2023-05" and parse_year("2023年5月") == 2023
    # A date column saved to CSV as Excel day numbers: 45053 is 2023-05-07.
    assert parse_date("45053") == "2023-05-07" and parse_year("45053.0") == 2023
    for bad in ("123456", "20231"):  # not five digits; a mistyped year, not 1955
        with pytest.raises(ValueError, match="not a date"):
            parse_date(bad)
    assert split_cell("浙江大学；西北工业大学、 中国药科大学;浙江大学") == [
        "浙江大学",
        "西北工业大学",
        "中国药科大学",
    ]
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2023-13-45x")


def test_number_cells_as_analysts_type_them() -> None:
    """Plain digits, signs and exponents parse directly; full-width digits, thousands separators
    and 万元 as before; a non-finite number is refused however it is spelled."""
    assert (
        parse_float(" 12.5 ") == 12.5 and parse_float("-3") == -3.0 and parse_float("1e3") == 1000.0
    )
    assert parse_float("１２．５") == 12.5 and parse_float("1,200万元") == 1200.0
    for bad in ("nan", "inf", "-Infinity", "ＮａＮ"):
        with pytest.raises(ValueError, match="finite"):
            parse_float(bad)
    with pytest.raises(ValueError, match="not a number"):
        parse_float("一百")


def test_amounts_in_10k_cny_convert_the_unit_typed_in_the_cell() -> None:
    """A 万元 column: a bare number is 万元 already; 亿 / 千元 / 元 typed in the cell convert, so
    "500元" is 0.05 万元, not 500; currency marks and separators are read; words are refused."""
    cases = {
        "120": 120.0,
        "1,234.5": 1234.5,
        "3.2亿": 32000.0,
        "3.2亿元": 32000.0,
        "500元": 0.05,
        "5千元": 0.5,
        "￥500": 500.0,
        "¥1,200万元": 1200.0,
        "RMB 12万": 12.0,
        "１２０万元": 120.0,
    }
    assert {cell: parse_cny_10k(cell) for cell in cases} == cases
    assert parse_cny_10k(12) == 12.0 and parse_cny_10k(3.5) == 3.5
    for bad in ("一百万", "12%", "nan", "3.2亿美元"):
        with pytest.raises(ValueError, match="not an amount"):
            parse_cny_10k(bad)
    for huge in ("1e400", "1e9999999亿"):  # beyond float, beyond Decimal: refused, not a crash
        with pytest.raises(ValueError, match="not a finite number"):
            parse_cny_10k(huge)


def test_credit_codes_fold_to_one_spelling() -> None:
    """Width, case, spaces and dashes fold away; an 18-digit code that Excel stored as a number
    (913306246096612081 → 9.13306246096612e+17) has lost digits and is refused, saying why."""
    assert parse_credit_code(" ９１３３０６２４ma2b-xxxx 1q") == "91330624MA2BXXXX1Q"
    assert parse_credit_code(330624000012345.0) == "330624000012345"  # 15 digits: intact
    with pytest.raises(ValueError, match="format the column as text"):
        parse_credit_code(913306246096612081.0)


def test_patent_numbers_fold_to_one_spelling() -> None:
    """A granted patent's ZL number, a bare or spaced application number and full-width digits are
    one CN number; an old 8-digit number needs its dot; a publication number is kept."""
    same = [
        "ZL202110001234.5",
        "202110001234.5",
        "CN 2021100012345",
        "２０２１１０００１２３４．５",
    ]
    assert {parse_patent_no(t) for t in same} == {"CN202110001234.5"}
    assert parse_patent_no("申请号：98123456.7") == "CN98123456.7"
    assert parse_patent_no("cn202110001234.x") == "CN202110001234.X"
    assert parse_patent_no("CN112345678A") == "CN112345678A"
    assert parse_patent_no("112345678") == "112345678"  # 9 digits, no dot: not an old number


def test_repeated_cells_parse_the_same_every_time() -> None:
    """A filing date read for three properties on a thousand rows: parsed once, the same answer
    every time; a bad cell is refused every time it comes, not only the first."""
    assert {parse_year("2019-03-13") for _ in range(3)} == {2019}
    assert [parse_date("2019年3月13日") for _ in range(2)] == ["2019-03-13", "2019-03-13"]
    assert [parse_bool("是"), parse_bool("是"), parse_bool(1), parse_bool(True)] == [True] * 4
    for _ in range(2):
        with pytest.raises(ValueError, match="no such date"):
            parse_year("2019-13-45")
        with pytest.raises(ValueError, match="yes/no"):
            parse_bool("可能")
    # A JSON cell holding a list is not a year: the reason says so (no crash on an unhashable).
    with pytest.raises(ValueError, match="not a date"):
        parse_year(["2019"])
    with pytest.raises(ValueError, match="yes/no"):
        parse_bool(["是"])


def test_title_rows_above_the_header_are_skipped_and_said(
    store: GraphStore, tmp_path: Path
) -> None:
    """A bureau export opens with a title, a 填报单位 line and a unit line: the header is found on
    row 4 (the row holding the mapping's columns), the rows above it are named in a warning, the
    data rows keep their spreadsheet numbers, and the 合计 line (row 8) is skipped and said, not
    loaded as a project named 合计 nor rejected. The same
    table as CSV (GB18030, a blank row in it) and as XLSX (a merged title) loads the same."""
    table = [
        ["2025年新昌县科技项目清单"],
        ["填报单位：新昌县科技局"],
        ["", "", "", "", "单位：万元"],
        ["项目名称", "计划类别", "牵头单位", "年度", "金额（万元）"],
        ["轮毂轻量化", "尖兵", "甲公司", "2023", "500"],
        [],
        ["减速器攻关", "领雁", "乙公司", "2024年", "1.2亿"],
        ["合计", "", "", "", "12500"],
    ]
    csv_src = tmp_path / "项目清单.csv"
    csv_src.write_bytes("".join(",".join(r) + "\n" for r in table).encode("gb18030"))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in table:
        sheet.append([c or None for c in cells] or [None])
    sheet.merge_cells("A1:E1")
    xlsx_src = tmp_path / "项目清单.xlsx"
    book.save(xlsx_src)
    amounts = []
    for src in (csv_src, xlsx_src):
        report = ingest_file(store, src, parse_mapping(PROJECTS))
        assert (report.rows_read, report.rows_rejected) == (2, 0)
        assert (
            "表头在第 4 行 the header is on row 4: 3 row(s) above it skipped" in report.warnings[0]
        )
        assert "2025年新昌县科技项目清单" in report.warnings[0]
        assert "合计行 1 total row(s) skipped, not data: row 8" in report.warnings
        amounts.append({n.name: n.props["amount"] for n in store.iter_nodes(["Project"])})
    assert amounts == [{"轮毂轻量化": 500.0, "减速器攻关": 12000.0}] * 2


@pytest.mark.parametrize("sep", ["\t", ";", "|", ","])
def test_the_delimiter_of_a_csv_is_found_from_its_header(
    store: GraphStore, tmp_path: Path, sep: str
) -> None:
    """A table exported as text: tab, semicolon or pipe under a .csv name loads like a comma CSV;
    multi-valued cells split on ； or ; stay whole cells (the header decides the delimiter)."""
    rows = [
        ["项目名称", "计划类别", "牵头单位", "年度", "参与单位"],
        ["轮毂轻量化", "尖兵", "甲公司", "2023", "乙公司;丙公司"],
        ["减速器攻关", "领雁", "乙公司", "2024", "丙公司"],
    ]
    src = tmp_path / "项目清单.csv"
    quote = '"' if sep == ";" else ""
    src.write_text(
        "".join(sep.join(f"{quote}{c}{quote}" if ";" in c else c for c in r) + "\n" for r in rows),
        encoding="utf-8",
    )
    mapping = PROJECTS.replace(
        "edges:\n",
        "  participant: {type: Enterprise, each: 参与单位, optional: true}\nedges:\n"
        "  - {type: PARTICIPATES_IN, from: participant, to: project}\n",
    )
    report = ingest_file(store, src, parse_mapping(mapping))
    assert (report.rows_read, report.rows_rejected) == (2, 0), report.rejects
    assert sorted(n.name for n in store.iter_nodes(["Enterprise"])) == [
        "丙公司",
        "乙公司",
        "甲公司",
    ]


def test_the_data_sheet_is_found_after_an_instructions_sheet(
    store: GraphStore, tmp_path: Path
) -> None:
    """A workbook opening with a 填报说明 sheet: the sheet holding the mapping's columns is read,
    and the report says which; with `sheet:` set, that sheet is read as before."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填报说明"
    notes.append(["1. 金额单位为万元"])
    notes.append(["2. 牵头单位填写全称"])
    data = book.create_sheet("项目")
    data.append(["项目名称", "计划类别", "牵头单位", "年度", "金额（万元）"])
    data.append(["轮毂轻量化", "尖兵", "甲公司", 2023, 500])
    src = tmp_path / "项目清单.xlsx"
    book.save(src)
    report = ingest_file(store, src, parse_mapping(PROJECTS))
    assert report.rows_accepted == 1
    assert any("read sheet '项目'" in w for w in report.warnings)
    with pytest.raises(InvalidInput, match="no column '项目名称'"):
        ingest_file(store, src, parse_mapping(PROJECTS + "sheet: 填报说明\n"))


def test_a_header_that_is_not_there_is_an_error_naming_the_columns(tmp_path: Path) -> None:
    """No row within the look-ahead holds the mapping's columns: the first row stays the header and
    the error names the missing column and the columns found, as before."""
    from kg.stores.sqlite import SQLiteStore

    src = tmp_path / "项目清单.csv"
    src.write_text("名称,类别\n甲,乙\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"no column '项目名称'.*名称, 类别"):
        ingest_file(SQLiteStore(tmp_path / "kg.sqlite"), src, parse_mapping(PROJECTS))


def test_xlsx_formula_and_error_cells_are_rejected(store: GraphStore, tmp_path: Path) -> None:
    """Row 3 holds a formula in 金额, row 4 an Excel #N/A in 年度: both rejected naming the column;
    rows 2 and 5 load (2 projects, 1 lead enterprise shared)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目名称", "计划类别", "牵头单位", "年度", "金额（万元）"])
    sheet.append(["轮毂轻量化", "尖兵", "甲公司", 2023, 500])
    sheet.append(["减速器攻关", "领雁", "甲公司", 2024, "=SUM(1,2)"])
    sheet.append(["视觉检测", "领雁", "甲公司", "#N/A", 100])
    sheet.append(["药物制剂", "揭榜挂帅", "甲公司", 2025, 80.5])
    src = tmp_path / "项目清单.xlsx"
    book.save(src)
    report = ingest_file(store, src, parse_mapping(PROJECTS))
    assert (report.rows_accepted, report.rows_rejected) == (2, 2)
    got = {(r.row, r.field): r.reason for r in report.rejects}
    assert set(got) == {(3, "金额（万元）"), (4, "年度")}
    assert "formula" in got[(3, "金额（万元）")] and "#N/A" in got[(4, "年度")]
    assert store.stats().nodes == {"Enterprise": 1, "Project": 2}
    assert store.get_node("project:药物制剂").props == {
        "year": 2025,
        "amount": 80.5,
        "programme": "揭榜挂帅",
    }


def test_xlsx_reader_yields_cell_errors() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a", "b"])
    sheet.append(["=1+1", "#DIV/0!"])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    ((row, record),) = list(read_records(buf, "xlsx"))
    assert row == 2
    assert isinstance(record["a"], CellError) and isinstance(record["b"], CellError)


def test_jsonl_loads_with_lists_and_nested_objects(store: GraphStore, tmp_path: Path) -> None:
    """JSON from another system: nested 牵头 object flattens to 牵头.名称; line 2 is blank (skipped),
    line 3's year is text → rejected as line 3."""
    lines = [
        {"项目名称": "A", "年度": 2022, "牵头": {"名称": "甲公司"}},
        None,
        {"项目名称": "B", "年度": "明年", "牵头": {"名称": "乙公司"}},
        {"项目名称": "C", "年度": 2024, "牵头": {"名称": "乙公司"}},
    ]
    src = tmp_path / "p.jsonl"
    src.write_text(
        "\n".join("" if x is None else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    mapping = parse_mapping(PROJECTS.replace("name: 牵头单位", "name: 牵头.名称"))
    report = ingest_file(store, src, mapping)
    assert (report.rows_read, report.rows_accepted) == (3, 2)
    assert [(r.row, r.field) for r in report.rejects] == [(3, "年度")]
    assert store.get_node("project:C").props["year"] == 2024


def test_a_jsonl_line_that_is_not_json_is_rejected_and_the_rest_loads(
    store: GraphStore, tmp_path: Path
) -> None:
    """Line 2 is cut off mid-object, line 3 is a list: both rejected with their line numbers and
    why; lines 1 and 4 load (before, line 2 stopped the whole file)."""
    good = [{"项目名称": n, "牵头单位": "甲公司", "年度": 2024} for n in ("A", "D")]
    first, last = (json.dumps(g, ensure_ascii=False) for g in good)
    text = "\n".join([first, '{"项目名称": "B", "牵头', '["C"]', last])
    src = tmp_path / "p.jsonl"
    src.write_text(text + "\n", encoding="utf-8")
    report = ingest_file(store, src, parse_mapping(PROJECTS))
    assert (report.rows_read, report.rows_accepted) == (4, 2)
    got = [(r.row, r.field, r.reason.split(":")[0]) for r in report.rejects]
    assert got == [
        (2, "(row)", "不是 JSON not JSON"),
        (3, "(row)", "不是 JSON 对象 not a JSON object"),
    ]
    assert sorted(n.name for n in store.iter_nodes(["Project"])) == ["A", "D"]


def test_json_records_under_a_dotted_path(store: GraphStore, tmp_path: Path) -> None:
    """An API's answer ``{"code": 0, "data": {"list": [...]}}`` with ``records: data.list``."""
    doc = {"code": 0, "data": {"list": [{"项目名称": "A", "牵头单位": "甲公司", "年度": 2024}]}}
    src = tmp_path / "p.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = ingest_file(store, src, parse_mapping(PROJECTS + "records: data.list\n"))
    assert report.rows_accepted == 1 and store.get_node("project:A").name == "A"


def test_json_array_is_streamed_element_by_element() -> None:
    items = [{"n": i, "s": "x" * 50} for i in range(3000)]  # spans many 64 KiB chunks
    data = json.dumps(items).encode()
    got = list(read_records(io.BytesIO(data), "json"))
    assert len(got) == 3000 and got[-1] == (3000, {"n": 2999, "s": "x" * 50})
    with pytest.raises(InvalidInput, match="JSON array"):
        list(read_records(io.BytesIO(b'{"a": 1}'), "json"))


def test_tsv_without_header_uses_mapping_columns() -> None:
    data = "甲公司\t供应\t乙公司\t2020\n".encode("gb18030")
    rows = list(
        read_records(io.BytesIO(data), "tsv", header=False, columns=["head", "rel", "tail", "t"])
    )
    assert rows == [(1, {"head": "甲公司", "rel": "供应", "tail": "乙公司", "t": "2020"})]
