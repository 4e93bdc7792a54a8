"""Door: the ballot CSV of `python -m ivp_core aggregate`. Bad input: exit code 2, Dutch on stderr, no stdout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ivp_core.cli import main
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take

HEADER = "group,participant,theme,value"


@dataclass(frozen=True)
class Case:
    id: str
    content: bytes | None  # None: the file does not exist
    keywords: tuple[str, ...]
    options: tuple[str, ...] = ()


def _lines(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD = _lines(HEADER, "raad,p1,1.1,5", "raad,p1,1.3,3", "raad,p2,1.1,4", "raad,p2,1.3,2")

CASES = [
    Case("missing-file", None, ("kan niet worden gelezen",)),
    Case("empty", b"", ("leeg",)),
    Case("header-only", _lines(HEADER), ("geen stemmen",)),
    Case("latin1", _lines(HEADER, "raad,Jan Müller,1.1,5").decode().encode("latin-1"), ("UTF-8",)),
    Case("tab-separated", _lines(HEADER.replace(",", "\t"), "raad\tp1\t1.1\t5"), ("kolom", "ontbreekt")),
    Case("missing-column", _lines("group,participant,value", "raad,p1,5"), ("theme", "ontbreekt")),
    Case("extra-column", _lines(HEADER + ",naam", "raad,p1,1.1,5,Jan"), ("onbekende kolom", "naam")),
    Case("short-row", _lines(HEADER, "raad,p1,1.1"), ("Regel 2", "kolommen")),
    Case("unknown-theme", _lines(HEADER, "raad,p1,6.1,5"), ("onbekend thema", "6.1")),
    Case("nan", _lines(HEADER, "raad,p1,1.1,nan"), ("geen getal",)),
    Case("infinity", _lines(HEADER, "raad,p1,1.1,inf"), ("geen getal",)),
    Case("overflow", _lines(HEADER, "raad,p1,1.1,1e400"), ("geen getal",)),
    Case("negative-rating", _lines(HEADER, "raad,p1,1.1,-3", "raad,p1,1.3,2"), ("Regel 2",)),
    Case("huge-rating", _lines(HEADER, "raad,p1,1.1,1e300", "raad,p1,1.3,2"), ("Regel 2",)),
    Case("formula", _lines(HEADER, 'raad,p1,1.1,"=HYPERLINK(""http://x"")"'), ("geen getal",)),
    Case("script-as-theme", _lines(HEADER, "raad,p1,<script>alert(1)</script>,5"), ("onbekend thema",)),
    Case("duplicate-theme", _lines(HEADER, "raad,p1,1.1,5", "raad,p1,1.1,4"), ("al op", "regel 2")),
    Case("empty-participant", _lines(HEADER, "raad,,1.1,5"), ("participant", "ontbreekt")),
    Case("bad-weights", GOOD, ("--weights",), ("--weights", "raad=veel")),
    Case("negative-weight", GOOD, ("--weights",), ("--weights", "raad=-1")),
    Case("bad-top", GOOD, ("--top",), ("--top", "drie")),
    Case("reversed-scale", GOOD, ("--scale",), ("--scale", "5-1")),
    Case("unknown-method", GOOD, ("--method", "onbekende methode"), ("--method", "<b>x</b>")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_ballot_csv_is_refused_in_dutch(
    case: Case, tmp_path: Path, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stemmen.csv"
    if case.content is not None:
        path.write_bytes(case.content)
    before = take(engine)
    code = main(["aggregate", str(path), "--resamples", "0", *case.options])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == "", "half a result on stdout"
    assert err.startswith("Fout: ")
    assert_dutch(err, case.keywords)
    assert_unchanged(before, engine)


def test_the_good_file_of_this_corpus_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bad options above fail because of the option, not because the file itself is broken."""
    path = tmp_path / "stemmen.csv"
    path.write_bytes(GOOD)
    assert main(["aggregate", str(path), "--resamples", "0"]) == 0
    assert '"priorities"' in capsys.readouterr().out
