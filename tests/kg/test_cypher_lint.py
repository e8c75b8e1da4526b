"""Every Cypher statement the project sends passes Neo4j's own parser and semantic analyser
(npm ``@neo4j-cypher/language-support``, ``lintCypherQuery``), and the check can fail."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.cypher import lint_schema, lint_statements

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "cypher-lint"
BROKEN = ROOT / "tests" / "fixtures" / "broken.cypher"

pytestmark = [
    pytest.mark.skipif(
        shutil.which("node") is None, reason="node is not installed: no Cypher lint"
    ),
    pytest.mark.xdist_group("cypher-lint"),  # one npm ci at a time
]


def _installed() -> Path:
    """``npm ci`` from the committed lock file, when node_modules is missing or older. One process
    at a time (a file lock): the xdist group alone did not stop two workers from running ``npm
    ci`` in the same folder at once, which failed with ENOTEMPTY in a fresh clone."""
    marker = TOOL / "node_modules" / ".package-lock.json"
    lock = TOOL / "package-lock.json"
    with (TOOL / ".npm-ci.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=TOOL,
                check=True,
                timeout=600,
            )
    return TOOL / "lint.cjs"


def _lint(tmp_path: Path, *target: str) -> subprocess.CompletedProcess[str]:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(lint_schema()), encoding="utf-8")
    return subprocess.run(
        ["node", str(_installed()), str(schema), *target],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_statement_passes_the_neo4j_linter(tmp_path: Path) -> None:
    statements = lint_statements()
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(statements, ensure_ascii=False), encoding="utf-8")
    done = _lint(tmp_path, str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(statements)} statement(s) checked, ok" in done.stdout


def test_the_linter_catches_broken_statements(tmp_path: Path) -> None:
    done = _lint(tmp_path, "--file", str(BROKEN))
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "broken.cypher#1 1:10 warning: Label Enterprize is not present" in out
    assert "broken.cypher#2" in out and "Relationship type COLLABORATES is not present" in out
    assert "broken.cypher#3" in out and "error: Invalid input 'RETURN'" in out
    assert "3 statement(s) checked" in out
