"""The CLI: every command has help text; the demo builds and search finds Chinese substrings."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_every_command_has_help() -> None:
    group = get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        assert cmd.help, f"command {name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_demo_then_search(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    result = runner.invoke(app, ["demo", "--store", url, "--no-serve"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["search", "万丰", "--store", url, "--json"])
    assert "浙江万丰奥威汽轮股份有限公司" in result.output
