"""The pipeline on hand-made files: encodings, bad rows, idempotent re-runs, alias vs fuzzy."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file, ingest_folder
from kg.errors import InvalidInput
from kg.model import Edge, Node
from kg.stores.base import GraphStore, UpsertResult
from kg.stores.sqlite import SQLiteStore

MAPPINGS = Path(__file__).parents[2] / "ingest" / "mappings"

# A small enterprise list mapping: name, credit code, revenue (number), high-tech (是/否), fields.
ENTERPRISES = """
name: 企业名录
nodes:
  enterprise:
    type: Enterprise
    name: 企业名称
    key: 统一社会信用代码
    properties:
      credit_code: 统一社会信用代码
      revenue: 营业收入（万元）
      high_tech: 是否高新技术企业
  field: {type: Field, each: 技术领域, optional: true}
edges:
  - {type: WORKS_IN, from: enterprise, to: field}
"""

HEADER = "统一社会信用代码,企业名称,营业收入（万元）,是否高新技术企业,技术领域\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_gb18030_csv_with_chinese_headers_loads(store: GraphStore, tmp_path: Path) -> None:
    """Two rows in GB18030 (as government exports are): both enterprises load with their Chinese
    names intact, the 是/否 column becomes booleans and "1,200" a number; the shared field 精密传动
    is one node, so 2 enterprises + 2 fields = 4 nodes and 3 WORKS_IN edges."""
    text = HEADER + (
        '91330600609661208X,浙江万丰奥威汽轮股份有限公司,"1,200",是,精密传动；轻量化材料\n'
        ",新昌县恒达机械有限公司,300.5,否,精密传动\n"
    )
    src = write(tmp_path / "企业.csv", text, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        src.read_bytes().decode("utf-8")  # the file really is not UTF-8
    report = ingest_file(store, src, parse_mapping(ENTERPRISES))
    assert report.rows_rejected == 0 and report.rows_accepted == 2
    assert (report.nodes.created, report.edges.created) == (4, 3)
    wanfeng = store.get_node("enterprise:91330600609661208X")
    assert wanfeng.name == "浙江万丰奥威汽轮股份有限公司"
    assert wanfeng.props["revenue"] == 1200.0 and wanfeng.props["high_tech"] is True
    hengda = store.search("恒达机械")[0]
    assert hengda.props["high_tech"] is False and hengda.id == "enterprise:恒达机械"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings_detected(store: GraphStore, tmp_path: Path, encoding: str) -> None:
    src = write(tmp_path / "e.csv", HEADER + ",天姥精工有限公司,1,是,\n", encoding)
    report = ingest_file(store, src, parse_mapping(ENTERPRISES))
    assert report.rows_accepted == 1
    assert store.search("天姥精工")[0].name == "天姥精工有限公司"


def test_three_bad_rows_in_a_hundred(store: GraphStore, tmp_path: Path) -> None:
    """100 rows, rows 11, 51 and 91 of the data bad (spreadsheet rows 12, 52, 92: the header is
    row 1): a revenue that is not a number, a 是/否 cell saying 可能, an empty name. 97 load."""
    lines = [HEADER]
    for i in range(100):
        revenue, high_tech, name = str(100 + i), "是" if i % 2 else "否", f"测试{i:03d}科技有限公司"
        if i == 10:
            revenue = "一百"
        if i == 50:
            high_tech = "可能"
        if i == 90:
            name = ""
        lines.append(f",{name},{revenue},{high_tech},\n")
    src = write(tmp_path / "bad.csv", "".join(lines))
    rejects = tmp_path / "rejects.csv"
    report = ingest_file(store, src, parse_mapping(ENTERPRISES), rejects_path=rejects)
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (100, 97, 3)
    assert store.stats().nodes == {"Enterprise": 97}
    got = [(r.row, r.field) for r in report.rejects]
    assert got == [(12, "营业收入（万元）"), (52, "是否高新技术企业"), (92, "企业名称")]
    assert "一百" in report.rejects[0].reason and "可能" in report.rejects[1].reason
    written = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == "file,row,field,reason" and len(written) == 4
    assert written[1].startswith("bad.csv,12,营业收入（万元）,")


def test_same_file_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    """Second run: nothing created or updated, everything unchanged, the store version unchanged,
    even with a batch size of 1 (the shared field is named on rows 2 and 3, in two batches)."""
    text = HEADER + ",甲精密有限公司,1,是,精密传动\n,乙精密有限公司,2,否,精密传动\n"
    src = write(tmp_path / "e.csv", text)
    mapping = parse_mapping(ENTERPRISES)
    first = ingest_file(store, src, mapping, batch_size=1)
    assert first.nodes.created == 3 and first.edges.created == 2
    version = store.version
    again = ingest_file(store, src, mapping, batch_size=1)
    assert (again.nodes.created, again.nodes.updated, again.edges.created, again.edges.updated) == (
        0,
        0,
        0,
        0,
    )
    assert again.nodes.unchanged >= 3 and again.edges.unchanged == 2
    assert store.version == version


def test_changed_file_updates_in_place(store: GraphStore, tmp_path: Path) -> None:
    src = write(tmp_path / "e.csv", HEADER + ",甲精密有限公司,1,是,\n")
    ingest_file(store, src, parse_mapping(ENTERPRISES))
    write(src, HEADER + ",甲精密有限公司,7,是,\n")
    report = ingest_file(store, src, parse_mapping(ENTERPRISES))
    assert (report.nodes.created, report.nodes.updated) == (0, 1)
    node = store.get_node("enterprise:甲精密")
    assert node.props["revenue"] == 7.0
    assert node.provenance[0].file_sha256 == report.sha256 and node.provenance[0].row == 2


def _wanfeng_then_short_name(tmp_path: Path, aliases: str | None) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    write(folder / "a.csv", HEADER + "91330600609661208X,浙江万丰奥威汽轮股份有限公司,1,是,\n")
    write(folder / "b.csv", HEADER + ",万丰奥威,2,是,\n")
    for name, order in (("a", 1), ("b", 2)):
        write(folder / f"{name}.yaml", f"source: {name}.csv\norder: {order}\n" + ENTERPRISES)
    if aliases is not None:
        write(folder / "aliases.yaml", aliases)
    return folder


def test_known_alias_merges_into_one_node(store: GraphStore, tmp_path: Path) -> None:
    folder = _wanfeng_then_short_name(tmp_path, "浙江万丰奥威汽轮股份有限公司: [万丰奥威]\n")
    _, second = ingest_folder(store, folder)
    assert store.stats().nodes == {"Enterprise": 1}
    node = store.get_node("enterprise:91330600609661208X")
    assert node.name == "浙江万丰奥威汽轮股份有限公司" and "万丰奥威" in node.aliases
    assert node.props["revenue"] == 2.0  # the second file updated the same node
    assert [(m.input, m.id, m.rule) for m in second.merges] == [
        ("万丰奥威", "enterprise:91330600609661208X", "alias_table")
    ]
    assert second.review == []


def test_fuzzy_look_alike_goes_to_review_not_merged(store: GraphStore, tmp_path: Path) -> None:
    """Without the alias, 万丰奥威 only looks like 万丰奥威汽轮 (rapidfuzz WRatio 90 ≥ 85): two nodes,
    no merge, one review item naming the look-alike."""
    folder = _wanfeng_then_short_name(tmp_path, None)
    _, second = ingest_folder(store, folder)
    assert store.stats().nodes == {"Enterprise": 2}
    assert second.merges == []
    (item,) = second.review
    assert item.input == "万丰奥威" and item.kept_as == "enterprise:万丰奥威"
    assert [c.id for c in item.candidates] == ["enterprise:91330600609661208X"]


def test_normalised_names_meet(store: GraphStore, tmp_path: Path) -> None:
    """Width, spaces, brackets, place prefixes and company forms differ; the core 恒达机械 is one."""
    text = HEADER + ",新昌县恒达机械有限公司,1,是,\n,浙江 恒达机械（股份）有限公司,2,是,\n"
    report = ingest_file(store, write(tmp_path / "e.csv", text), parse_mapping(ENTERPRISES))
    assert store.stats().nodes == {"Enterprise": 1}
    assert [(m.input, m.rule) for m in report.merges] == [("浙江 恒达机械（股份）有限公司", "name")]


def test_shipped_enterprise_mapping(store: GraphStore, tmp_path: Path) -> None:
    """The shipped 规上企业名录 mapping with its alias table: a short-name row merges into 万丰."""
    text = (
        "统一社会信用代码,企业名称,简称,营业收入（万元）,研发费用（万元）,是否高新技术企业,"
        "技术领域,所在乡镇,所属产业链,产业链环节,是否链主\n"
        "91330600609661208X,浙江万丰奥威汽轮股份有限公司,万丰,100,5,是,轮毂,新昌县,,,\n"
        ",万丰奥威,,100,5,是,轮毂,新昌县,,,\n"
    )
    src = write(tmp_path / "规上企业名录.csv", text)
    report = ingest_file(store, src, MAPPINGS / "规上企业名录.yaml")
    assert report.rows_accepted == 2
    assert store.stats().nodes == {"Enterprise": 1, "Field": 1, "Region": 1}
    node = store.get_node("enterprise:91330600609661208X")
    assert node.props["above_scale"] is True and node.props["rd_spending"] == 5.0


def test_shipped_mapping_reads_years_and_amounts_as_bureaus_type_them(
    store: GraphStore, tmp_path: Path
) -> None:
    """A 规上企业名录 in GB18030 with the spellings real tables carry: 成立年份 as 2015年 or a full
    date, 营业收入（万元） as 3.2亿 / ￥500 / 500元. Each loads, in 万元 (3.2亿 = 32000, 500元 =
    0.05); a year that is no year (二〇一五) is still rejected, naming its column."""
    text = (
        "统一社会信用代码,企业名称,营业收入（万元）,高企认定年份,成立年份\n"
        "91330624MA2B00001A,甲机电有限公司,3.2亿,2021年,2015年\n"
        "91330624MA2B00002A,乙轴承有限公司,￥500,2020,2015-06-01\n"
        "91330624MA2B00003A,丙电机有限公司,500元,,2015年6月\n"
        "91330624MA2B00004A,丁科技有限公司,12,,二〇一五\n"
    )
    src = write(tmp_path / "规上企业名录.csv", text, "gb18030")
    report = ingest_file(store, src, MAPPINGS / "规上企业名录.yaml")
    assert [(r.row, r.field) for r in report.rejects] == [(5, "成立年份")]
    got = {
        n.name: (n.props["revenue"], n.props.get("high_tech_since"), n.props["founded"])
        for n in store.iter_nodes(["Enterprise"])
    }
    assert got == {
        "甲机电有限公司": (32000.0, 2021, 2015),
        "乙轴承有限公司": (500.0, 2020, 2015),
        "丙电机有限公司": (0.05, None, 2015),
    }


def test_headers_typed_with_other_brackets_or_spaces_still_match(
    store: GraphStore, tmp_path: Path
) -> None:
    """营业收入(万元) with ASCII brackets and 统一社会信用 代码 with a space are the mapping's
    营业收入（万元） and 统一社会信用代码: the values load (before, revenue was dropped with only a
    warning, and a missing key column stopped the file); the report says which were matched."""
    text = "统一社会信用 代码,企业名称,营业收入(万元)\n91330624MA2B00001A,甲机电有限公司,12\n"
    src = write(tmp_path / "规上企业名录.csv", text, "gb18030")
    report = ingest_file(store, src, MAPPINGS / "规上企业名录.yaml")
    node = store.get_node("enterprise:91330624MA2B00001A")
    assert node.props["revenue"] == 12.0
    (note,) = [w for w in report.warnings if w.startswith("列名按全半角与空格对齐")]
    assert (
        "营业收入(万元) → 营业收入（万元）" in note
        and "统一社会信用 代码 → 统一社会信用代码" in note
    )


def test_one_credit_code_however_typed_is_one_enterprise(store: GraphStore, tmp_path: Path) -> None:
    """The same code in capitals, in lower case and in full width with a trailing space, under
    three names: one enterprise that keeps the first name, the other two as aliases and as merges
    in the report (rule credit_code), its code stored in capitals. Before, the lower-case code
    made a second firm and the full-width one silently renamed the first."""
    text = (
        "统一社会信用代码,企业名称,营业收入（万元）\n"
        "91330624MA2BXXXX1Q,浙江测试科技有限公司,10\n"
        "91330624ma2bxxxx1q,测试科技（新昌）有限公司,20\n"
        "９１３３０６２４ＭＡ２ＢＸＸＸＸ１Ｑ ,新昌测试科技,30\n"
    )
    src = write(tmp_path / "规上企业名录.csv", text)
    report = ingest_file(store, src, MAPPINGS / "规上企业名录.yaml")
    assert store.stats().nodes == {"Enterprise": 1}
    node = store.get_node("enterprise:91330624MA2BXXXX1Q")
    assert node.name == "浙江测试科技有限公司"
    assert set(node.aliases) == {"测试科技（新昌）有限公司", "新昌测试科技"}
    assert node.props["credit_code"] == "91330624MA2BXXXX1Q" and node.props["revenue"] == 30.0
    assert [(m.input, m.rule) for m in report.merges] == [
        ("测试科技（新昌）有限公司", "credit_code"),
        ("新昌测试科技", "credit_code"),
    ]


def test_a_person_is_one_node_however_the_employer_is_spelled(
    store: GraphStore, tmp_path: Path
) -> None:
    """张三 of 万丰奥威 (a known alias) in the talent list and 张三 of 浙江万丰奥威汽轮股份有限公司 as
    an inventor on its patent are one talent, keyed by the employer's resolved name (shipped
    mappings, ``of:``); 李四 of two different firms stays two people."""
    talents = write(
        tmp_path / "人才清单.csv",
        "姓名,工作单位\n张三,万丰奥威\n李四,甲精密有限公司\n李四,乙轴承有限公司\n",
    )
    patents = write(
        tmp_path / "专利清单.csv",
        "申请号,专利名称,申请人,发明人,申请日\n"
        "CN202110000001.1,一种轮毂,浙江万丰奥威汽轮股份有限公司；浙江大学,张三；王五,2021-03-01\n",
    )
    ingest_file(store, talents, MAPPINGS / "人才清单.yaml")
    ingest_file(store, patents, MAPPINGS / "专利清单.yaml")
    people = sorted(n.id for n in store.iter_nodes(["Talent"]))
    assert people == [
        "talent:张三-浙江万丰奥威汽轮股份有限公司",
        "talent:李四-乙轴承有限公司",
        "talent:李四-甲精密有限公司",
        "talent:王五-浙江万丰奥威汽轮股份有限公司",
    ]
    zhang = "talent:张三-浙江万丰奥威汽轮股份有限公司"
    assert {e.type for e in store.iter_edges() if e.source == zhang} == {
        "AFFILIATED_WITH",
        "INVENTED",
    }


def test_one_patent_under_its_zl_and_cn_numbers_is_one_node(
    store: GraphStore, tmp_path: Path
) -> None:
    """The patent office's list says CN202110000001.1, a firm's own list ZL2021100000011: one
    patent (shipped 专利清单 mapping), applied for by both applicants the rows name."""
    src = write(
        tmp_path / "专利清单.csv",
        "申请号,专利名称,申请人,申请日\n"
        "CN202110000001.1,一种轮毂,甲精密有限公司,2021-03-01\n"
        "ZL2021100000011,一种轮毂,乙轴承有限公司,2021-03-01\n",
    )
    ingest_file(store, src, MAPPINGS / "专利清单.yaml")
    assert [n.id for n in store.iter_nodes(["Patent"])] == ["patent:CN202110000001.1"]
    applied = {e.source for e in store.iter_edges() if e.type == "APPLIED"}
    assert applied == {"enterprise:甲精密", "enterprise:乙轴承"}


def test_a_name_repeated_on_many_rows_is_written_as_its_rows_say(
    store: GraphStore, tmp_path: Path
) -> None:
    """甲精密 on five rows read one row a batch: revenue 1, 1, 2, 2, 1. A repeat that says the same
    as the row before changes nothing and is not written again, but a repeat after a change is:
    the last row wins (revenue 1), the node keeps its first row (2) as provenance, and it counts
    as created once and updated twice (1 → 2 → 1), never as a duplicate. A re-run ends in the
    same state."""
    rows = "".join(f",甲精密有限公司,{r},是,精密传动\n" for r in (1, 1, 2, 2, 1))
    src = write(tmp_path / "e.csv", HEADER + rows)
    mapping = parse_mapping(ENTERPRISES)
    first = ingest_file(store, src, mapping, batch_size=1)
    assert (first.nodes.created, first.nodes.updated) == (2, 2)  # the enterprise + 精密传动
    node = store.get_node("enterprise:甲精密")
    assert node.props["revenue"] == 1.0
    assert [p.row for p in node.provenance] == [2]
    again = ingest_file(store, src, mapping, batch_size=1)
    assert (again.nodes.created, again.edges.created) == (0, 0)
    assert store.get_node("enterprise:甲精密") == node


def test_a_value_the_schema_cannot_hold_is_rejected_naming_its_column(
    store: GraphStore, tmp_path: Path
) -> None:
    """A mapping that parses 类型 as a number into a text property (a Patent's kind): the rows
    where 类型 holds a number are rejected by the schema check, naming 类型; the row where it is
    blank loads. 3 rows: 1 accepted, 2 rejected (spreadsheet rows 2 and 4)."""
    mapping = parse_mapping(
        "nodes:\n  patent:\n    type: Patent\n    name: 名称\n    key: 申请号\n"
        "    properties: {kind: {column: 类型, parse: int}}\n"
    )
    src = write(tmp_path / "p.csv", "申请号,名称,类型\nCN1,甲,1\nCN2,乙,\nCN3,丙,2\n")
    report = ingest_file(store, src, mapping)
    assert (report.rows_accepted, report.rows_rejected) == (1, 2)
    assert [(r.row, r.field) for r in report.rejects] == [(2, "类型"), (4, "类型")]
    assert "string" in report.rejects[0].reason
    assert store.stats().nodes == {"Patent": 1}


def test_the_garbage_collector_runs_again_after_every_run(
    store: GraphStore, tmp_path: Path
) -> None:
    """Ingest pauses Python's cyclic garbage collector while it runs. Afterwards it is on again:
    after a run that loaded, after one stopped by a file without its name column, and after two
    runs that overlapped in two threads (the first to start ending first, when the other still
    runs paused); if it was off before a run, it stays off."""
    mapping = parse_mapping(ENTERPRISES)
    good = write(tmp_path / "e.csv", HEADER + ",甲精密有限公司,1,是,\n")
    no_name = write(tmp_path / "n.csv", "统一社会信用代码,营业收入（万元）\n,1\n")
    assert gc.isenabled()
    ingest_file(store, good, mapping)
    assert gc.isenabled()
    with pytest.raises(InvalidInput, match="企业名称"):
        ingest_file(store, no_name, mapping)
    assert gc.isenabled()

    second_writing, first_done = threading.Event(), threading.Event()

    class Second(SQLiteStore):
        def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
            second_writing.set()
            assert first_done.wait(timeout=10)
            return super().upsert_nodes(nodes)

    class First(SQLiteStore):
        def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
            second.start()
            assert second_writing.wait(timeout=10)
            return super().upsert_nodes(nodes)

    stores = [First(tmp_path / "kg1.sqlite"), Second(tmp_path / "kg2.sqlite")]
    second = threading.Thread(target=ingest_file, args=(stores[1], good, mapping))
    ingest_file(stores[0], good, mapping)
    paused_while_second_runs = not gc.isenabled()
    first_done.set()
    second.join()
    assert paused_while_second_runs and gc.isenabled()
    assert [s.stats().nodes for s in stores] == [{"Enterprise": 1}] * 2

    gc.disable()
    try:
        ingest_file(store, good, mapping)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_rows_the_store_refuses_are_found_by_halving(tmp_path: Path) -> None:
    """A store that refuses two enterprises (a node batch naming 坏甲) and one field (an edge
    batch to 坏领域) among 64 rows, all in one batch: those 3 rows are rejected with the store's
    reason, the other 61 load with their fields, and finding them takes far fewer writes than 64
    one-row batches."""
    calls = {"nodes": 0, "edges": 0}

    class Picky(SQLiteStore):
        def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertResult:
            batch = list(nodes)
            calls["nodes"] += 1
            if any(n.name.startswith("坏") for n in batch if n.type == "Enterprise"):
                raise InvalidInput("node refused: 坏")
            return super().upsert_nodes(batch)

        def upsert_edges(self, edges: Iterable[Edge]) -> UpsertResult:
            batch = list(edges)
            calls["edges"] += 1
            if any(e.target.endswith("坏领域") for e in batch):
                raise InvalidInput("edge refused: 坏领域")
            return super().upsert_edges(batch)

    lines = [HEADER]
    for i in range(64):
        name, field = f"好{i:02d}科技有限公司", "机器人"
        if i in (5, 40):
            name = f"坏{'甲乙'[i == 40]}科技有限公司"
        if i == 20:
            field = "坏领域"
        lines.append(f",{name},{100 + i},是,{field}\n")
    store = Picky(tmp_path / "kg.sqlite")
    report = ingest_file(
        store, write(tmp_path / "e.csv", "".join(lines)), parse_mapping(ENTERPRISES), batch_size=64
    )
    assert sorted(r.row for r in report.rejects) == [7, 22, 42]
    assert all("存储拒绝" in r.reason for r in report.rejects)
    assert report.rows_rejected == 3
    stats = store.stats()
    # Row 22's enterprise and its field were valid nodes; only its WORKS_IN edge was refused.
    assert stats.nodes == {"Enterprise": 62, "Field": 2}
    assert stats.edges == {"WORKS_IN": 61}
    assert calls["nodes"] + calls["edges"] < 64


REPLACED = """
name: 企业名录
nodes:
  enterprise: {type: Enterprise, name: 企业名称, properties: {revenue: 营业收入（万元）}}
  field: {type: Field, each: 技术领域, optional: true}
edges:
  - {type: WORKS_IN, from: enterprise, to: field}
"""
PATENTS = """
name: 专利清单
nodes:
  patent: {type: Patent, name: 专利名称, key: 申请号}
  applicant: {type: Enterprise, each: 申请人}
edges:
  - {type: APPLIED, from: applicant, to: patent}
"""


@pytest.mark.parametrize("writer", ["inline", "process"])
def test_replace_removes_what_only_the_old_version_stated(
    store: GraphStore, tmp_path: Path, writer: str
) -> None:
    """Version 1 of the list: 甲 (机器人), 乙 (轴承), 丙 (轴承); 乙 and 丙 also hold a patent (another
    source). Version 2 keeps only 甲. A plain re-ingest removes
    nothing. With --replace: 乙 and 丙 stay (the patents state them; 2 kept), their WORKS_IN edges
    and 轴承 (stated only by version 1, touched only by those edges) go: 2 edges, 1 node. A
    replacement with a rejected row removes nothing."""
    if writer == "process" and not isinstance(store, SQLiteStore):
        pytest.skip("a writer process writes SQLite stores")
    head = "企业名称,营业收入（万元）,技术领域\n"
    src = write(tmp_path / "企业名录.csv", head + "甲公司,1,机器人\n乙公司,2,轴承\n丙公司,3,轴承\n")
    mapping = parse_mapping(REPLACED)
    ingest_file(store, src, mapping, writer=writer)
    patents = write(tmp_path / "专利.csv", "申请号,专利名称,申请人\nCN1,一种轴承,乙公司；丙公司\n")
    ingest_file(store, patents, parse_mapping(PATENTS), writer=writer)
    write(src, head + "甲公司,1,机器人\n")
    plain = ingest_file(store, src, mapping, writer=writer)
    assert plain.replaced is None and store.stats().nodes["Field"] == 2
    write(src, head + "甲公司,1,机器人\n丁公司,十,机器人\n")
    refused = ingest_file(store, src, mapping, writer=writer, replace=True)
    assert refused.replaced is None and "未替换 not replaced" in refused.warnings[-1]
    assert store.stats().nodes["Field"] == 2
    write(src, head + "甲公司,1,机器人\n")
    report = ingest_file(store, src, mapping, writer=writer, replace=True)
    assert report.replaced is not None
    assert (report.replaced.nodes_removed, report.replaced.edges_removed) == (1, 2)
    assert report.replaced.kept == 2
    assert store.stats().nodes == {"Enterprise": 3, "Field": 1, "Patent": 1}
    assert {(e.source, e.type) for e in store.iter_edges()} == {
        ("enterprise:甲公司", "WORKS_IN"),
        ("enterprise:乙公司", "APPLIED"),
        ("enterprise:丙公司", "APPLIED"),
    }


def test_rows_longer_than_the_header_load_and_are_said(store: GraphStore, tmp_path: Path) -> None:
    """An unquoted 1,234.5 pushes row 2 one cell right; a row with a trailing note (row 3) looks
    the same. Each is read by the header as before (row 2's shifted "234.5" is then no yes/no and
    is rejected; row 3 loads), and the report lists both, saying a shifted row needs quoting. A
    header naming 企业名称 twice is reported (the last is read)."""
    text = (
        HEADER + ",甲精密有限公司,1,234.5,是,精密传动\n,乙轴承有限公司,12,否,轴承,备注\n,丙,1,是,\n"
    )
    report = ingest_file(store, write(tmp_path / "e.csv", text), parse_mapping(ENTERPRISES))
    (note,) = [w for w in report.warnings if w.startswith("多出的单元格")]
    assert "2 row(s) have filled cells past the header's 5 columns, ignored: row 2, 3" in note
    assert "quote it" in note
    assert [(r.row, r.field) for r in report.rejects] == [(2, "是否高新技术企业")]
    assert report.rows_accepted == 2
    twice = "企业名称," + HEADER
    report = ingest_file(
        store,
        write(tmp_path / "d.csv", twice + "旧名,,丙电机有限公司,1,是,\n"),
        parse_mapping(ENTERPRISES),
    )
    assert "列名重复 column '企业名称' appears 2 times (columns 1, 3)" in report.warnings[0]
    assert (
        report.rows_accepted == 1 and store.get_node("enterprise:丙电机").name == "丙电机有限公司"
    )
