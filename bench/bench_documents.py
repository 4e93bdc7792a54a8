"""Every document of the demo trajectory in every format, timed as a running app server makes them.

Run: ``.venv/bin/python -m bench.bench_documents`` (``--repeat 3``). Prints figures only (no asserts:
machines and their load differ; the load average is printed beside them). What is timed, in one process on
a fresh demo database (SQLite in a temporary folder):

- imports warm, as on a server that has shown a page: every writer module and its libraries are imported,
  and matplotlib has drawn one unrelated chart (its font cache loaded), before anything is timed;
- per document (verslag, veiligheidsanalyse, IVP-concept, uitvoeringsplan): building its content from the
  database, then each format it exists in; "first" is a first press (no chart drawn yet for this
  trajectory state), "again" a second press of the same button (the charts are remembered);
- the whole export of ``report --kind alle`` (``files.all_documents``), first press, and its peak memory:
  the peak of Python's allocations (tracemalloc, in a separate run, since tracing slows everything) and the
  process's peak resident size;
- the floor: the same tables written by openpyxl and by python-docx alone (the verslag's sheets in a plain
  workbook; every table of the Word documents through python-docx's own ``add_table``/``cell.text``), so a
  writer's figure can be read against what its library costs anyway.

Each figure is the median of ``--repeat`` runs; chart caches are cleared before every "first" run.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

#: CPU seconds of the process per timed call, beside the wall time: on a machine that others load, they show
#: what the work costs rather than how long it waited for a core.
CPU: dict[int, float] = {}


def _median_s(fn: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None) -> float:
    """Median wall seconds; the median CPU seconds of the same runs is left in CPU[id(fn)]."""
    times, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[id(fn)] = statistics.median(cpu)
    return statistics.median(times)


def clear_chart_caches() -> None:
    from ivp_core.report.writers import charts

    charts.forget_charts()


@contextmanager
def demo_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("IVP_STATE_DIR", str(Path(folder) / "state"))
        from ivp_core.demo.municipality import load_demo
        from ivp_core.storage import db

        engine = db.get_engine(url)
        db.migrate(engine)
        load_demo(engine)
        try:
            yield url
        finally:
            db.dispose_engines()


def warm_imports() -> None:
    """What a running server has loaded before the first download: modules, fonts, the catalogue."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401

    from ivp_core.analysis.figures import Point, Series, SeriesPair
    from ivp_core.catalogue import load_catalogue
    from ivp_core.report import files  # noqa: F401
    from ivp_core.report.documents import (  # noqa: F401
        ivp_concept,
        uitvoeringsplan,
        veiligheidsanalyse,
        verslag,
        verslag_model,
    )
    from ivp_core.report.writers import csv, html, xlsx  # noqa: F401
    from ivp_core.report.writers.charts import series_chart

    load_catalogue()
    points = tuple(Point(2000 + i, float(i), float(i)) for i in range(3))
    series = Series("0.0", "warm", "bench", "x", "aantal", "aantal", "X", points, None)
    series_chart(SeriesPair(series, None), "warm", "warm")
    clear_chart_caches()


def floor_xlsx(sheets: Any) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.append(list(sheet.header))
        for row in sheet.rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def floor_docx(tables: list[Any]) -> bytes:
    from docx import Document

    document = Document()
    for block in tables:
        table = document.add_table(rows=1, cols=len(block.header))
        for cell, text in zip(table.rows[0].cells, block.header, strict=True):
            cell.text = text
        for row in block.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with demo_database():
        return run(args.repeat)


def run(repeat: int) -> int:
    warm_imports()
    from ivp_core.report.blocks import TableBlock
    from ivp_core.report.documents.uitvoeringsplan import build_plan_documents, plan_xlsx
    from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
    from ivp_core.report.documents.verslag import document_blocks
    from ivp_core.report.documents.verslag_model import build_report
    from ivp_core.report.files import all_documents
    from ivp_core.report.tables import report_sheets
    from ivp_core.report.writers.csv import render_csv
    from ivp_core.report.writers.docx import render_blocks_docx, render_docx
    from ivp_core.report.writers.html import render_blocks_html, render_html
    from ivp_core.report.writers.xlsx import render_xlsx
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    rows: list[tuple[str, str, float, float, float]] = []  # document, step, first (wall, CPU), again
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with session_scope(readonly=True) as db:
        tid = db.scalar(select(Trajectory.id).order_by(Trajectory.id).limit(1))
        assert tid is not None

        def step(document: str, name: str, fn: Callable[[], Any], charts: bool = False) -> None:
            first = _median_s(fn, repeat, clear_chart_caches if charts else None)
            first_cpu = CPU[id(fn)]
            again = _median_s(fn, repeat) if charts else first
            rows.append((document, name, first, first_cpu, again))

        report = build_report(db, tid)
        step("verslag", "inhoud (advies, tabellen)", lambda: build_report(db, tid))
        step("verslag", "docx (met grafieken)", lambda: render_docx(report), charts=True)
        step("verslag", "html (met grafieken)", lambda: render_html(report), charts=True)
        step("verslag", "xlsx", lambda: render_xlsx(report))
        step("verslag", "csv", lambda: render_csv(report))

        analysis = build_analysis_document(db, tid)
        step(
            "veiligheidsanalyse", "inhoud + grafieken", lambda: build_analysis_document(db, tid), charts=True
        )
        step(
            "veiligheidsanalyse",
            "docx",
            lambda: render_blocks_docx(analysis.blocks, analysis.title, analysis.header),
        )
        step("veiligheidsanalyse", "html", lambda: render_blocks_html(analysis.blocks, analysis.header))

        draft, plan = build_plan_documents(db, tid)
        step("ivp + uitvoeringsplan", "inhoud (advies, teksten)", lambda: build_plan_documents(db, tid))
        step("ivp-concept", "docx", lambda: render_blocks_docx(draft.blocks, draft.title, draft.header))
        step("ivp-concept", "html", lambda: render_blocks_html(draft.blocks, draft.header))
        step("uitvoeringsplan", "docx", lambda: render_blocks_docx(plan.blocks, plan.title, plan.header))
        step("uitvoeringsplan", "html", lambda: render_blocks_html(plan.blocks, plan.header))
        step("uitvoeringsplan", "xlsx", lambda: plan_xlsx(plan))

        blocks = [*document_blocks(report), *analysis.blocks, *draft.blocks, *plan.blocks]
        tables = [b for b in blocks if isinstance(b, TableBlock)]
        sheets = report_sheets(report)
        floor = {
            "xlsx": _median_s(lambda: floor_xlsx(sheets), repeat),
            "docx": _median_s(lambda: floor_docx(tables), repeat),
        }
        export = lambda: all_documents(db, tid)  # noqa: E731
        total = _median_s(export, repeat, clear_chart_caches)
        total_cpu = CPU[id(export)]
        clear_chart_caches()
        tracemalloc.start()
        files = all_documents(db, tid)
        peak_traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    print(f"\n{'document':<24}{'stap':<28}{'eerste keer':>12}{'(cpu)':>8}{'nog eens':>10}")
    for document, name, first, first_cpu, again in rows:
        print(f"{document:<24}{name:<28}{first:>11.2f}s{first_cpu:>7.2f}s{again:>9.2f}s")
    per_doc: dict[str, tuple[float, float]] = {}
    for document, _name, first, first_cpu, _again in rows:
        wall, cpu = per_doc.get(document, (0.0, 0.0))
        per_doc[document] = (wall + first, cpu + first_cpu)
    print("\nper document, alle formaten, eerste keer (inhoud + elk formaat), wand (cpu):")
    for document, (wall, cpu) in per_doc.items():
        print(f"  {document:<26}{wall:6.2f}s ({cpu:.2f}s)")
    n_cells = sum(len(t.rows) * len(t.header) for t in tables)
    print(
        f"\nvloer (zelfde tabellen, alleen de bibliotheek): openpyxl {floor['xlsx']:.2f}s "
        f"({sum(len(s.rows) for s in sheets)} rijen), python-docx {floor['docx']:.2f}s "
        f"({len(tables)} tabellen, {n_cells} cellen)"
    )
    size = sum(len(v) for v in files.values())
    print(
        f"alles (report --kind alle, eerste keer): {total:.2f}s (cpu {total_cpu:.2f}s), {len(files)} bestanden, "
        f"{size / 1e6:.1f} MB"
    )
    print(
        f"geheugen: piek Python-allocaties tijdens alles {peak_traced / 1e6:.0f} MB, "
        f"piek RSS van het proces {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
