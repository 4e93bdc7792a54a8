"""A raw StatLine download is read block by block (issue 18): the result must not depend on where the blocks
split the file, and must equal the whole-table reader's, including every message's line and column."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from sqlalchemy import Engine

from ivp_core.analysis.importers import preview_import, table
from ivp_core.analysis.importers.errors import ProblemLog
from ivp_core.analysis.importers.preview import ImportPreview
from ivp_core.analysis.importers.sources import CsvSource, open_source
from ivp_core.storage.db import session_scope

HEADER = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;GeregistreerdeMisdrijvenPer1000Inw_3"
REGIONS = ["NL01      ", "GM0001    ", "GM0148    ", "WK014801  ", "GM0193    "]


def _download(bad_regions: int = 0, newline: str = "\n", bom: bool = False) -> tuple[bytes, dict[int, str]]:
    """A monthly 47013NED-shaped file of several municipalities, with a blank line and a line of spaces in
    the middle; `bad_regions` rows get a region code that is not one. Returns the bytes and the line
    number of every bad row."""
    lines = [HEADER]
    bad: dict[int, str] = {}
    number = 0
    for region in REGIONS:
        for crime in ("1.1.1 ", "2.5.2 "):
            for year in (2022, 2023):
                for month in range(1, 13):
                    number += 1
                    code = region
                    if len(bad) < bad_regions and number % 7 == 3:
                        code = f"X{number}"
                        bad[len(lines) + 1] = code
                    lines.append(
                        f"{number};{crime};{code};{year}MM{month:02d};{number % 90:>6};{number % 50:>6};   4.2"
                    )
        lines.append("")  # a blank line between regions
    lines.insert(40, "    ")  # a line of spaces only
    bad = {line + 1 if line > 40 else line: code for line, code in bad.items()}
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), bad


def _preview(engine: Engine, municipality_id: int, data: bytes) -> ImportPreview:
    with session_scope(engine) as session:
        return preview_import(
            session, "47013NED.csv", data, municipality_id, municipalities={"GM0148", "GM0193"}
        )


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether the streaming reader ran and gave a result."""
    calls: list[bool] = []
    real: Callable[..., object] = table._stream

    def spy(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(table, "_stream", spy)
    return calls


def _summary(preview: ImportPreview) -> tuple[object, ...]:
    return (preview.rows, preview.problems, preview.available, preview.chosen, preview.file_format)


@pytest.mark.parametrize(("newline", "bom"), [("\n", False), ("\r\n", True)])
def test_small_blocks_equal_one_block_and_the_whole_table_reader(
    engine: Engine, municipality_id: int, monkeypatch: pytest.MonkeyPatch, newline: str, bom: bool
) -> None:
    data, _ = _download(newline=newline, bom=bom)
    calls = _spy(monkeypatch)
    one_block = _preview(engine, municipality_id, data)
    monkeypatch.setattr(table, "BLOCK_BYTES", 512)  # dozens of blocks, splitting regions and years
    small_blocks = _preview(engine, municipality_id, data)
    assert calls == [True, True]
    monkeypatch.setattr(table, "_stream", lambda *args, **kwargs: None)
    whole = _preview(engine, municipality_id, data)
    assert one_block.ok, one_block.problems
    assert _summary(one_block) == _summary(small_blocks) == _summary(whole)
    # GM0148 (with its wijk) and GM0193, two crime types, two complete years, two measures; plus NL01.
    regions = {row.region_code for row in one_block.rows}
    assert regions == {"NL01", "GM0148", "WK014801", "GM0193"}
    assert len(one_block.rows) == 4 * 2 * 2 * 2
    assert one_block.available == {"GM0001": 48, "GM0148": 96, "GM0193": 48}


def test_bad_region_codes_across_blocks_are_reported_once_with_their_lines(
    engine: Engine, municipality_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, bad = _download(bad_regions=25)
    monkeypatch.setattr(table, "BLOCK_BYTES", 512)
    calls = _spy(monkeypatch)
    preview = _preview(engine, municipality_id, data)
    assert calls == [True]
    region_errors = [p for p in preview.errors if p.column == "RegioS"]
    first = sorted(bad)[:20]
    assert [(p.line, p.message) for p in region_errors[:20]] == [
        (line, f"'{bad[line]}' is geen regiocode.") for line in first
    ]
    assert region_errors[20].line is None and region_errors[20].message.startswith("En nog 5 regel(s)")
    assert len(region_errors) == 21 and not preview.rows


def test_line_layout_counts_lines_and_skips_blank_ones() -> None:
    data, _ = _download(newline="\r\n")
    numbers, fields = table._line_layout(data, ";")
    text_lines = data.decode().split("\r\n")
    expected = [n for n, line in enumerate(text_lines, start=1) if line.strip()]
    assert numbers.tolist() == expected
    assert set(fields.tolist()) == {7}
    no_newline_at_end = data.rstrip(b"\r\n") + b";8"
    numbers, fields = table._line_layout(no_newline_at_end, ";")
    assert numbers[-1] == expected[-1] and fields[-1] == 8 and np.all(fields[:-1] == 7)


def test_utf8_upload_is_read_without_a_decoded_copy() -> None:
    log = ProblemLog("x.csv")
    data = ("\ufeff" + HEADER + "\n1;1.1.1 ;GM0148;2024JJ00;5;5;Één\n").encode()
    source = open_source(data, log)
    assert isinstance(source, CsvSource) and source.data is data and source.start == 3
    assert source._text is None  # nothing decoded until a reader asks for text
    assert source.first_line() == (1, HEADER)
    assert source.text.endswith("Één\n") and not log.problems
    assert open_source(b" \r\n\t", log) is None and log.problems[-1].message == "Het bestand is leeg."
