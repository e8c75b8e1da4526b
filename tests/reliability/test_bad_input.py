"""The bad-input corpus through the ingest pipeline: every bad file gets a clear error, or its bad
rows a reject naming file, row (spreadsheet numbering: header = row 1) and field; every good row
loads; a refused batch changes nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ingest.mapping import parse_mapping
from ingest.pipeline import ingest_file
from ingest.report import IngestReport
from kg.errors import InvalidInput
from kg.model import Node
from kg.stores.base import GraphStore
from queries.registry import QueryContext, run_query
from tests.conftest import PROV
from tests.reliability.corpus import (
    ENTERPRISES,
    HEADER,
    LINKS,
    PATENT_HEADER,
    PATENTS,
    SEGMENTS,
    big_cell_csv,
    enterprise_csv,
    enterprise_name,
    enterprise_rows,
    mixed_encoding_csv,
    xlsx_with_formulas_and_errors,
)


def _ingest(
    store: GraphStore, path: Path, data: bytes | None = None, mapping: str = ENTERPRISES
) -> IngestReport:
    if data is not None:
        path.write_bytes(data)
    return ingest_file(store, path, parse_mapping(mapping))


def _rejects(report: IngestReport) -> list[tuple[str, int, str]]:
    return [(r.file, r.row, r.field) for r in report.rejects]


def _names(store: GraphStore, type_: str = "Enterprise") -> set[str]:
    return {n.name for n in store.iter_nodes([type_])}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_every_encoding_gives_the_same_graph(
    store: GraphStore, tmp_path: Path, encoding: str
) -> None:
    rows = list(enterprise_rows(5))
    report = _ingest(store, tmp_path / "e.csv", enterprise_csv(rows, encoding))
    assert (report.rows_read, report.rows_accepted) == (5, 5)
    assert _names(store) == {enterprise_name(i) for i in range(5)}
    # 5 firms in 镇0…镇4, so 5 Region nodes, one LOCATED_IN each.
    assert store.stats().nodes == {"Enterprise": 5, "Region": 5}
    assert "\ufeff" not in "".join(n.id for n in store.iter_nodes())


def test_mixed_encodings_reject_only_the_foreign_row(store: GraphStore, tmp_path: Path) -> None:
    report = _ingest(store, tmp_path / "mixed.csv", mixed_encoding_csv())
    assert _rejects(report) == [("mixed.csv", 3, "企业名称")]
    assert "not utf-8" in report.rejects[0].reason
    assert _names(store) == {"甲精密有限公司", "丙精密有限公司"}


@pytest.mark.parametrize("data", [b"", HEADER.encode(), b"\xef\xbb\xbf" + HEADER.encode()])
def test_empty_and_header_only_files_say_so(store: GraphStore, tmp_path: Path, data: bytes) -> None:
    report = _ingest(store, tmp_path / "e.csv", data)
    assert (report.rows_read, report.rows_rejected) == (0, 0)
    assert any("no data rows" in w for w in report.warnings)
    assert store.stats().node_count == 0 and store.version == 0


def test_missing_key_or_name_column_is_a_clear_error(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no column '企业名称'"):
        _ingest(store, tmp_path / "a.csv", "统一社会信用代码,所在乡镇\n1,新昌县\n".encode())
    with pytest.raises(InvalidInput, match="no column '统一社会信用代码'"):
        _ingest(store, tmp_path / "b.csv", "企业名称,所在乡镇\n甲精密有限公司,新昌县\n".encode())
    assert store.stats().node_count == 0


def test_missing_property_extra_and_ragged_columns(store: GraphStore, tmp_path: Path) -> None:
    """A missing property column is a warning (read as empty); extra columns are ignored; short
    and long rows load what they have."""
    missing = "统一社会信用代码,企业名称\n,甲精密有限公司\n".encode()
    report = _ingest(store, tmp_path / "m.csv", missing)
    assert report.rows_accepted == 1 and "营业收入（万元）" in report.warnings[0]
    extra = (HEADER.strip() + ",备注,负责人\n,乙精密有限公司,2,2002,否,新昌县,x,y\n").encode()
    ragged = (HEADER + ",丙精密有限公司,3\n,丁精密有限公司,4,2004,是,新昌县,多,余\n").encode()
    assert _ingest(store, tmp_path / "x.csv", extra).rows_accepted == 1
    assert _ingest(store, tmp_path / "r.csv", ragged).rows_accepted == 2
    assert _names(store) == {"甲精密有限公司", "乙精密有限公司", "丙精密有限公司", "丁精密有限公司"}
    assert store.get_node("enterprise:丙精密").props == {"revenue": 3.0, "high_tech": False}


def test_duplicate_keys_within_and_across_files_merge_and_are_reported(
    store: GraphStore, tmp_path: Path
) -> None:
    """The same credit code on rows 2 and 3 of one file, then again in a second file: one node,
    the later values win, the other spellings become aliases, each merge is in the report."""
    code = "91330600609661208X"
    first = _ingest(
        store,
        tmp_path / "a.csv",
        (
            HEADER
            + f"{code},甲精密有限公司,1,2001,是,新昌县\n{code},甲精密股份公司,2,2001,是,新昌县\n"
        ).encode(),
    )
    assert [(m.row, m.input, m.rule) for m in first.merges] == [
        (3, "甲精密股份公司", "credit_code")
    ]
    second = _ingest(
        store,
        tmp_path / "b.csv",
        (HEADER + f"{code},甲精密科技有限公司,3,2001,是,新昌县\n").encode(),
    )
    assert [(m.row, m.rule) for m in second.merges] == [(2, "credit_code")]
    (node,) = store.iter_nodes(["Enterprise"])
    assert node.id == f"enterprise:{code}" and node.props["revenue"] == 3.0
    assert set(node.aliases) == {"甲精密股份公司", "甲精密科技有限公司"}


def test_malformed_numbers_and_dates_are_rejected_by_field(
    store: GraphStore, tmp_path: Path
) -> None:
    rows = [
        ",好一精密有限公司,1,2001,是,新昌县\n",
        ",坏一精密有限公司,1e400,2001,是,新昌县\n",  # row 3
        ",坏二精密有限公司,NaN,2001,是,新昌县\n",
        ",坏三精密有限公司,1,二零零一,是,新昌县\n",  # row 5: founded
        ",坏四精密有限公司,1.2.3,2001,是,新昌县\n",
        ",坏五精密有限公司,1,2001,可能,新昌县\n",  # row 7: yes/no
        ',好二精密有限公司,"1,200",２００２,否,新昌县\n',  # thousands separator, full width
    ]
    report = _ingest(store, tmp_path / "n.csv", (HEADER + "".join(rows)).encode())
    assert [(r.row, r.field) for r in report.rejects] == [
        (3, "营业收入（万元）"),
        (4, "营业收入（万元）"),
        (5, "成立年份"),
        (6, "营业收入（万元）"),
        (7, "是否高新技术企业"),
    ]
    assert _names(store) == {"好一精密有限公司", "好二精密有限公司"}
    assert store.get_node("enterprise:好二精密").props["revenue"] == 1200.0

    applicant = Node("enterprise:甲精密", "Enterprise", "甲精密有限公司", provenance=PROV)
    store.upsert_nodes([applicant])
    patents = PATENT_HEADER + (
        "CN1,好专利,2023-05-06,甲精密有限公司\n"
        "CN2,坏日期,2023-02-30,甲精密有限公司\n"  # row 3: no such day
        "CN3,坏日期二,去年,甲精密有限公司\n"  # row 4: not a date
        "CN4,好专利二,2023年7月1日,甲精密有限公司\n"
    )
    report = _ingest(store, tmp_path / "p.csv", patents.encode(), PATENTS)
    assert [(r.row, r.field) for r in report.rejects] == [(3, "申请日"), (4, "申请日")]
    assert {n.props["application_date"] for n in store.iter_nodes(["Patent"])} == {
        "2023-05-06",
        "2023-07-01",
    }


def test_relations_to_unknown_entities_are_rejected_naming_them(
    store: GraphStore, tmp_path: Path
) -> None:
    store.upsert_nodes([Node("university:浙江大学", "University", "浙江大学", provenance=PROV)])
    patents = PATENT_HEADER + (
        "CN1,甲专利,2023-01-01,浙江大学\n"
        "CN2,乙专利,2023-01-01,不存在的公司有限公司\n"
        "CN3,丙专利,2023-01-01,浙江大学；查无此校\n"
    )
    report = _ingest(store, tmp_path / "p.csv", patents.encode(), PATENTS)
    assert _rejects(report) == [("p.csv", 3, "申请人"), ("p.csv", 4, "申请人")]
    assert (
        "不存在的公司有限公司" in report.rejects[0].reason
        and "查无此校" in report.rejects[1].reason
    )
    assert store.stats().nodes == {"University": 1, "Patent": 1}
    assert store.stats().edges == {"APPLIED": 1}


@pytest.mark.parametrize(
    "name", ["...", "\u3000\u3000", "（）", "——", "…", "!!!", "*", "、，。", "\t"]
)
def test_names_of_only_punctuation_or_whitespace(
    store: GraphStore, tmp_path: Path, name: str
) -> None:
    data = (HEADER + f",{name},1,2001,是,新昌县\n,好精密有限公司,2,2002,否,新昌县\n").encode()
    report = _ingest(store, tmp_path / "p.csv", data)
    assert _rejects(report) == [("p.csv", 2, "企业名称")]
    assert _names(store) == {"好精密有限公司"}


def test_punctuation_in_a_related_name_rejects_the_row(store: GraphStore, tmp_path: Path) -> None:
    data = (HEADER + ",甲精密有限公司,1,2001,是,……\n,乙精密有限公司,1,2001,是,新昌县\n").encode()
    report = _ingest(store, tmp_path / "p.csv", data)
    assert _rejects(report) == [("p.csv", 2, "所在乡镇")]
    assert _names(store, "Region") == {"新昌县"}


def test_nul_and_unclosed_quote(store: GraphStore, tmp_path: Path) -> None:
    nul = (
        HEADER + ",甲\x00精密有限公司,1,2001,是,新昌县\n,乙精密有限公司,1,2001,是,新昌县\n"
    ).encode()
    report = _ingest(store, tmp_path / "nul.csv", nul)
    assert _rejects(report) == [("nul.csv", 2, "企业名称")] and "NUL" in report.rejects[0].reason
    # An unclosed quote swallows the following rows into one cell: that row is rejected and
    # the reason points at the quote, instead of a firm named with the rest of the file.
    quote = (
        HEADER + ',"丙精密有限公司,1,2001,是,新昌县\n,丁精密有限公司,1,2001,是,新昌县\n'
    ).encode()
    report = _ingest(store, tmp_path / "q.csv", quote)
    assert _rejects(report) == [("q.csv", 2, "企业名称")] and "quote" in report.rejects[0].reason
    assert _names(store) == {"乙精密有限公司"}


def test_a_10_mb_cell(store: GraphStore, tmp_path: Path) -> None:
    """In a mapped name column the row is rejected (too long for a name); in an unmapped column
    it is ignored; the file goes on either way."""
    report = _ingest(store, tmp_path / "big.csv", big_cell_csv(10))
    assert _rejects(report) == [("big.csv", 2, "所在乡镇")]
    assert "longer than" in report.rejects[0].reason
    assert _names(store) == {"乙精密有限公司", "丙精密有限公司"}


def test_xlsx_formulas_and_error_values(store: GraphStore, tmp_path: Path) -> None:
    path = xlsx_with_formulas_and_errors(tmp_path / "f.xlsx")
    report = _ingest(store, path)
    assert _rejects(report) == [
        ("f.xlsx", 3, "营业收入（万元）"),
        ("f.xlsx", 4, "营业收入（万元）"),
        ("f.xlsx", 5, "企业名称"),
        ("f.xlsx", 6, "成立年份"),
        ("f.xlsx", 7, "所在乡镇"),
    ]
    reasons = [r.reason for r in report.rejects]
    assert "formula" in reasons[0] and "#N/A" in reasons[1] and "#DIV/0!" in reasons[3]
    assert _names(store) == {"甲精密有限公司", "己精密有限公司"}


def test_not_an_xlsx(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="XLSX"):
        _ingest(store, tmp_path / "x.xlsx", b"PK\x03\x04 not really a zip")
    assert store.stats().node_count == 0


def test_cyclic_upstream_of_is_reported_by_chain_view(store: GraphStore, tmp_path: Path) -> None:
    """Three segments A → B → C → A: chain_view answers (it does not loop) and names the cycle."""
    segments = "环节键,环节名称,产业链,环节,位置\n" + "".join(
        f"测试链/{s},测试链·{s},测试链,{s},{i}\n" for i, s in enumerate("ABC", start=1)
    )
    _ingest(store, tmp_path / "s.csv", segments.encode(), SEGMENTS)
    links = "上游键,上游,下游键,下游\n" + "".join(
        f"测试链/{a},测试链·{a},测试链/{b},测试链·{b}\n" for a, b in ("AB", "BC", "CA")
    )
    report = _ingest(store, tmp_path / "l.csv", links.encode(), LINKS)
    assert report.rows_accepted == 3 and store.stats().edges["UPSTREAM_OF"] == 3

    answer: list[object] = []
    worker = threading.Thread(
        target=lambda: answer.append(
            run_query(QueryContext(store), "chain_view", {"chain": "chain:测试链"})
        ),
        daemon=True,
    )
    worker.start()
    worker.join(60)
    assert answer, "chain_view did not return within 60 s on a cyclic chain"
    view = answer[0]
    ids = ["segment:测试链/A", "segment:测试链/B", "segment:测试链/C"]
    assert view.cycles == [ids]  # type: ignore[attr-defined]
    assert [s.id for s in view.segments] == ids  # type: ignore[attr-defined]
    assert "循环" in view.explanation_zh  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fmt", "data", "where"),
    [
        ("ttl", b"@prefix ex: <http://x/> .\nex:a ex:b ", "line 2"),  # truncated
        ("ttl", b"<not an iri> <p> <o> .", "line 1"),
        ("ttl", b"\x00\x01\x02", "line 1"),
        ("nt", b'<http://a> <http://b> "unterminated .\n', "line 1"),
        ("rdf", b"<rdf:RDF><unclosed>", "prefix"),
        ("jsonld", b'{"@context": 5, ', "line 1"),
    ],
)
def test_invalid_rdf_is_a_clear_error_and_changes_nothing(
    tiny: GraphStore, fmt: str, data: bytes, where: str
) -> None:
    from kg.rdf.reader import read_rdf

    before = (tiny.version, tiny.stats())
    with pytest.raises(InvalidInput, match=f"cannot parse the {fmt} file.*{where}"):
        read_rdf(tiny, data, fmt)
    assert (tiny.version, tiny.stats()) == before


def test_rdf_relations_to_unknown_entities_are_rejected_with_reasons(tiny: GraphStore) -> None:
    """Valid N-Triples: 丁 (a new firm) supplies 甲公司 (in the store) and 戊 (in neither the
    file nor the store). The edge to 戊 is rejected naming it; 丁 and its edge to 甲 load."""
    from kg.rdf.reader import read_rdf

    base, onto = "https://w3id.org/innovation-kg/id/", "https://w3id.org/innovation-kg/ontology#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    triples = (
        f"<{base}enterprise:丁> {rdf_type} <{onto}Enterprise> .\n"
        f'<{base}enterprise:丁> <{onto}id> "enterprise:丁" .\n'
        f'<{base}enterprise:丁> <{onto}name> "丁精密有限公司" .\n'
        f"<{base}enterprise:丁> <{onto}supplies> <{base}enterprise:甲公司> .\n"
        f"<{base}enterprise:丁> <{onto}supplies> <{base}enterprise:戊> .\n"
    )
    before = tiny.stats().edges["SUPPLIES"]
    report = read_rdf(tiny, triples.encode(), "nt")
    assert report.rejected == 1 and "enterprise:戊" in report.reasons[0]
    assert tiny.get_node("enterprise:丁").name == "丁精密有限公司"
    assert tiny.stats().edges["SUPPLIES"] == before + 1
