from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ivp_core", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_themes_prints_22_themes_in_5_fields_as_csv() -> None:
    result = run_cli("themes")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["field_code", "field_name", "theme_code", "theme_name"]
    assert len(rows) == 22
    assert len({r["field_code"] for r in rows}) == 5
    assert rows[3]["theme_code"] == "1.4" and rows[3]["theme_name"] == "Subjectieve veiligheid"


def test_init_db_then_load_demo_and_refuse_a_second_load(database_url: str) -> None:
    env = {"DATABASE_URL": database_url}
    assert run_cli("init-db", env=env).returncode == 0
    first = run_cli("load-demo", env=env)
    assert first.returncode == 0, first.stderr
    second = run_cli("load-demo", env=env)
    assert second.returncode == 2
    assert "--force" in second.stderr and second.stdout == ""


def test_unknown_command_fails_with_usage_on_stderr() -> None:
    result = run_cli("onbekend")
    assert result.returncode == 2 and result.stdout == "" and "is geen opdracht" in result.stderr
