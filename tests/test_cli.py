from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_unknown_command_is_refused_in_dutch_on_stderr() -> None:
    result = run_cli("onbekend")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Fout: Onbekende opdracht 'onbekend'.") and "--help" in result.stderr


def test_the_help_of_a_command_is_dutch_throughout() -> None:
    """The options were Dutch, argparse's own headings and its -h line English."""
    from ivp_core.cli import build_parser

    parser = build_parser()
    for words in (["--help"], ["indicator", "add", "--help"], ["user", "add", "--help"]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stop:
            parser.parse_args(words)
        assert stop.value.code == 0
        text = out.getvalue()
        assert text.startswith("gebruik: python -m ivp_core"), text
        for english in ("usage:", "options:", "positional arguments:", "show this help message"):
            assert english not in text, (words, english)
