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
