"""Every file the product writes for a trajectory, for the writers' tests: the demo, the joint demo and a
trajectory built as a user would (tests/report/factory.py)."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from typing import Final

from lxml import etree
from sqlalchemy import Engine

from ivp_core.report.files import all_documents
from ivp_core.storage.db import session_scope

#: A whole number printed with decimals: "63,0", "0,0 %", "1,000" (a Dutch decimal part of zeros only).
WHOLE_WITH_DECIMALS: Final = re.compile(r"(?<![\d,.])\d{1,3}(?:\.\d{3})*,0+(?![\d,])")
W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def files_of(engine: Engine, trajectory_ids: list[int], formats: tuple[str, ...]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with session_scope(engine, readonly=True) as db:
        for tid in trajectory_ids:
            files.update({f"{tid}/{name}": data for name, data in all_documents(db, tid, formats).items()})
    return files


def docx_xml(data: bytes, part: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(part))


def docx_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def docx_table_cells(data: bytes) -> list[str]:
    body = docx_xml(data, "word/document.xml")
    return ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in body.iter(f"{W}tc")]


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[-1] += data


def html_table_cells(data: bytes) -> list[str]:
    parser = _Cells()
    parser.feed(data.decode("utf-8"))
    return parser.cells
