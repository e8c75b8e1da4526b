"""`ikg ingest`: the report is printed; exit 0 when every row loaded, 10 when some were rejected."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from api.commands.ingest import EXIT_ROWS_REJECTED

runner = CliRunner()
MAPPING = """
source: 企业.csv
nodes:
  e: {type: Enterprise, name: 企业名称, properties: {revenue: 营业收入}}
"""


def test_ingest_exit_codes_and_rejects_file(tmp_path: Path) -> None:
    (tmp_path / "企业.yaml").write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "企业.csv"
    data.write_text("企业名称,营业收入\n甲精密有限公司,12\n乙精密有限公司,十二\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kg.sqlite'}"
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "企业.yaml"), "--store", url, "--rejects", str(rejects)]
    )
    assert result.exit_code == EXIT_ROWS_REJECTED, result.output
    assert "十二" in result.output and "营业收入" in result.output
    assert "企业.csv,3,营业收入," in rejects.read_text(encoding="utf-8-sig")
    data.write_text("企业名称,营业收入\n甲精密有限公司,12\n乙精密有限公司,13\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--store", url])
    assert result.exit_code == 0, result.output


def test_generate_writes_sources_and_mappings(tmp_path: Path) -> None:
    out = tmp_path / "county"
    result = runner.invoke(app, ["generate", "--out", str(out), "--scale", "0.1", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "规上企业名录.csv").exists() and (out / "规上企业名录.yaml").exists()
    assert (out / "平台名录.xlsx").exists()


def test_review_list_marked_and_saved_as_aliases_merges_on_the_next_ingest(tmp_path: Path) -> None:
    """`--review` writes each look-alike with a blank 是否同一; the analyst marks 是 on one line,
    saves the file in the folder as 别名-复核.csv, and a fresh ingest merges that name (reported
    as alias_table) while the unmarked look-alike stays apart. A review path holding decisions
    is not overwritten."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "企业.yaml").write_text(MAPPING, encoding="utf-8")
    (folder / "企业.csv").write_text(
        "企业名称,营业收入\n浙江万丰奥威汽轮股份有限公司,1\n万丰奥威,2\n新昌恒达精密机械有限公司,3\n"
        "恒达精密机械制造,4\n",
        encoding="utf-8",
    )
    review = tmp_path / "review.csv"
    first = f"sqlite:///{tmp_path / 'a.sqlite'}"
    result = runner.invoke(app, ["ingest", str(folder), "--store", first, "--review", str(review)])
    assert result.exit_code == 0, result.output
    lines = review.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "别名,标准名称,是否同一,相似度,文件,行,暂存为,相似节点"
    rows = [line.split(",") for line in lines[1:]]
    assert sorted((r[0], r[1], r[2]) for r in rows) == [
        ("万丰奥威", "浙江万丰奥威汽轮股份有限公司", ""),
        ("恒达精密机械制造", "新昌恒达精密机械有限公司", ""),
    ]
    marked = [lines[0]] + [
        line.replace(",,", ",是,", 1) if line.startswith("万丰奥威,") else line
        for line in lines[1:]
    ]
    (folder / "别名-复核.csv").write_text("\n".join(marked) + "\n", encoding="utf-8-sig")
    second = f"sqlite:///{tmp_path / 'b.sqlite'}"
    result = runner.invoke(app, ["ingest", str(folder), "--store", second])
    assert result.exit_code == 0, result.output
    assert "alias_table" in result.output
    from kg.stores.sqlite import SQLiteStore

    names = sorted(n.name for n in SQLiteStore(tmp_path / "b.sqlite").iter_nodes(["Enterprise"]))
    assert names == ["恒达精密机械制造", "新昌恒达精密机械有限公司", "浙江万丰奥威汽轮股份有限公司"]
    saved = folder / "别名-复核.csv"
    result = runner.invoke(app, ["ingest", str(folder), "--store", second, "--review", str(saved)])
    assert result.exit_code != 0 and "holds review decisions" in str(result.exception)
    assert "是" in saved.read_text(encoding="utf-8-sig")


def test_a_data_file_finds_its_mapping(tmp_path: Path) -> None:
    """`ikg ingest 规上企业名录.csv` reads it by the shipped mapping of that name; another name
    needs --mapping (a shipped name), and without one the error lists the shipped names."""
    url = f"sqlite:///{tmp_path / 'kg.sqlite'}"
    text = "统一社会信用代码,企业名称,营业收入（万元）\n,甲精密有限公司,1\n"
    (tmp_path / "规上企业名录.csv").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path / "规上企业名录.csv"), "--store", url])
    assert result.exit_code == 0, result.output
    (tmp_path / "list.csv").write_text(text.replace("甲", "乙"), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path / "list.csv"), "--store", url])
    assert "no mapping for list.csv" in str(result.exception) and "规上企业名录" in str(
        result.exception
    )
    args = ["ingest", str(tmp_path / "list.csv"), "--mapping", "规上企业名录", "--store", url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    from kg.stores.sqlite import SQLiteStore

    names = {n.name for n in SQLiteStore(tmp_path / "kg.sqlite").iter_nodes(["Enterprise"])}
    assert names == {"甲精密有限公司", "乙精密有限公司"}
