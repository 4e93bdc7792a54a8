"""Figures are written in bulk (issue 18): COPY on PostgreSQL, executemany on SQLite. Whichever writer runs,
the stored figures must be exactly the previewed rows, and a failing write must leave nothing behind.

Run on both databases: ``pytest tests/analysis/importers/test_bulk_write.py`` and again with
``TEST_DATABASE_URL=postgresql+psycopg://…``.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ivp_core.analysis.importers import apply_import, bulk, preview_import
from ivp_core.analysis.importers.common import FigureRow
from ivp_core.analysis.importers.preview import ImportPreview
from ivp_core.storage import bulk as storage_bulk
from ivp_core.storage.bulk import uses_copy
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch
from tests.analysis.importers.conftest import db_state

HEADER = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;GeregistreerdeMisdrijvenPer1000Inw_3"


def _statline(regions: int) -> bytes:
    """A yearly 47013NED download of `regions` municipalities, three crime types, two years."""
    lines = [HEADER]
    for n in range(1, regions + 1):
        for crime in ("0.0.0 ", "1.1.1 ", "2.5.2 "):
            for year in (2022, 2023):
                lines.append(
                    f"{len(lines)};{crime};GM{n:04d}    ;{year}JJ00;{(n * 7 + year) % 900:>6};{n % 50:>6};   4.2"
                )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _edge_rows() -> list[FigureRow]:
    """Values a text COPY has to escape or round-trip exactly: tabs, backslashes, newlines, quotes and
    non-ASCII in text; None; floats that are not short decimals; zero, negative and tiny numbers."""
    texts = ["tab\there", "back\\slash", "new\nline", 'quote"s', "één €", "\\N", ""]
    values: list[float | None] = [None, 0.1 + 0.2, -0.0, 1e-300, 123456789.123456789, math.pi, -7.5]
    rows = []
    for i, (label, value) in enumerate(zip(texts, values, strict=True)):
        rows.append(
            FigureRow(
                region_code=f"GM{i:04d}",
                theme_code=None if i % 2 else "1.1",
                indicator=f"indicator {label}",
                year=2020 + i,
                value=value,
                unit=label,
                source=f"bron {label}",
                kind="subjectief" if i % 3 == 0 else "objectief",
                margin_low=None if value is None else value - 1,
                margin_high=None if value is None else value + 1,
            )
        )
    return rows


def _stored(session: Session) -> list[tuple[object, ...]]:
    """Every stored figure without its id (ids differ between two writes of the same rows)."""
    return [
        tuple(row)
        for row in session.execute(
            select(*(getattr(Figure, column) for column in bulk.COLUMNS if column != "batch_id")).order_by(
                Figure.region_code, Figure.indicator, Figure.year, Figure.source
            )
        )
    ]


def _as_stored(rows: list[FigureRow]) -> list[tuple[object, ...]]:
    columns = [column for column in bulk.COLUMNS if column != "batch_id"]
    return sorted(
        (tuple(getattr(row, column) for column in columns) for row in rows),
        key=lambda t: (t[0], t[2], t[3], t[6]),
    )


class _RollBack(Exception):
    """Raised to leave a session_scope by rolling back (the next writer starts from an empty table)."""


def _writers(engine: Engine) -> list[bool]:
    """executemany everywhere; COPY too where the database has it."""
    return [False, True] if engine.dialect.name == "postgresql" else [False]


def test_the_database_decides_the_writer(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert uses_copy(session) is (engine.dialect.name == "postgresql")


def test_every_writer_stores_exactly_the_rows_given(engine: Engine) -> None:
    rows = _edge_rows()
    results = []
    for copy in _writers(engine):
        with pytest.raises(_RollBack), session_scope(engine) as session:
            batch = ImportBatch(filename="rand.csv", file_format="test", row_count=len(rows), sha256="x")
            session.add(batch)
            session.flush()
            bulk.write_figures(session, batch.id, rows, copy=copy)
            results.append(_stored(session))
            assert set(session.scalars(select(Figure.batch_id))) == {batch.id}
            raise _RollBack
        assert db_state(engine) == (0, 0, [])
    assert results[0] == _as_stored(rows)
    assert all(result == results[0] for result in results)


def _preview(engine: Engine, data: bytes) -> ImportPreview:
    with session_scope(engine) as session:
        preview = preview_import(session, "47013NED.csv", data, None)
    assert preview.ok, preview.errors[:3]
    return preview


def test_an_import_of_many_chunks_stores_the_preview_the_same_either_way(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = _preview(engine, _statline(900))  # 10,800 figures: three chunks, the last partial
    assert len(preview.rows) == 10_800
    results = []
    for copy in _writers(engine):
        monkeypatch.setattr(storage_bulk, "uses_copy", lambda session, copy=copy: copy)
        done: list[float] = []
        with session_scope(engine) as session:
            batch = apply_import(session, preview, "test", progress=done.append)
            batch_id = batch.id
        with session_scope(engine) as session:
            results.append(_stored(session))
            assert session.scalar(select(Figure.batch_id).distinct()) == batch_id
            session.query(Figure).delete()
        assert done == [
            min(1.0, end / len(preview.rows))
            for end in range(bulk.CHUNK, len(preview.rows) + bulk.CHUNK, bulk.CHUNK)
        ]
    assert results[0] == _as_stored(preview.rows)
    assert all(result == results[0] for result in results)


@pytest.mark.parametrize("replacing", [False, True])
def test_a_failing_write_stores_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, replacing: bool
) -> None:
    """A row the database refuses in the last chunk (after a whole chunk went in) rolls back the whole import:
    no batch, no figures, and figures it would have replaced are still there."""
    if replacing:
        with session_scope(engine) as session:
            apply_import(session, _preview(engine, _statline(50)), "eerder")
    preview = _preview(engine, _statline(900))  # seeds the crime-type mapping on a first preview
    before = db_state(engine)
    preview.rows.append(preview.rows[-1])  # the same key twice: the unique constraint refuses it
    for copy in _writers(engine):
        monkeypatch.setattr(storage_bulk, "uses_copy", lambda session, copy=copy: copy)
        with pytest.raises(IntegrityError), session_scope(engine) as session:
            apply_import(session, preview, "test")
        assert db_state(engine) == before
    with session_scope(engine) as session:
        assert session.scalars(select(ImportBatch.imported_by)).all() == (["eerder"] if replacing else [])
