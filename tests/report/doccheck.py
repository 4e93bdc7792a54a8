"""The document check: what a griffier must never find in a document the raad receives.

Used by the tests over every generated format: DOCX (paragraphs and table cells), XLSX (all cells), CSV and
HTML. A Python literal or an internal key betrays a value that was printed instead of written out; a
percentage without the Dutch space, an ISO date or a word split inside a table cell betrays a layout that
nobody read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from ivp_core.consultation.sessions import KINDS, METHOD_LABELS, STATUS_LABELS
from ivp_core.report.labels import GROUP_LABELS

LITERAL = re.compile(r"\b(None|True|False)\b|\[\s*[-\d'\"][^\]]*\]|\{\s*['\"]")
#: Keys that never appear in Dutch prose, wherever they stand.
CODE_WORDS = re.compile(
    r"\b(reweighted_residents|with_analysis|weight_concentration|group_weights|data_weight|top_k|"
    r"close_call_threshold|tie_tolerance|beinvloedbaarheid|p_top|ranking_rule|seed|concentratie)\b"
)
#: Keys that are ordinary words too, wrong only as the whole content of a cell.
CELL_KEYS = frozenset({*KINDS, *METHOD_LABELS, *STATUS_LABELS, *GROUP_LABELS, "ernst", "impact"})
PERCENT_WITHOUT_SPACE = re.compile(r"\d%")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def text_problems(texts: Iterable[str], where: str) -> list[str]:
    found = []
    for text in texts:
        for pattern, what in (
            (LITERAL, "Python-waarde"),
            (CODE_WORDS, "interne sleutel"),
            (PERCENT_WITHOUT_SPACE, "percentage zonder spatie"),
            (ISO_DATE, "datum niet in het Nederlands"),
        ):
            if match := pattern.search(text):
                found.append(f"{where}: {what} {match.group(0)!r} in {text[:120]!r}")
    return found


def cell_problems(cells: Iterable[str], where: str) -> list[str]:
    cells = list(cells)
    found = [f"{where}: interne sleutel als cel {c!r}" for c in cells if c.strip() in CELL_KEYS]
    return found + text_problems(cells, where)


def docx_parts(data: bytes) -> tuple[list[str], list[str]]:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


def xlsx_cells(data: bytes) -> tuple[list[str], list[str]]:
    """Text cells as shown, and the number formats of numeric cells under a header that names a share."""
    workbook = load_workbook(io.BytesIO(data))
    texts, shares = [], []
    for ws in workbook:
        header = [str(c.value or "") for c in ws[1]]
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, bool):
                    texts.append(str(cell.value))  # a bool cell shows TRUE/FALSE: a literal
                elif isinstance(cell.value, float) and cell.column - 1 < len(header):
                    name = header[cell.column - 1]
                    if name.startswith(("Kans", "Gewicht")):
                        shares.append(f"{name}: {cell.number_format}")
    return texts, shares


def csv_cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";") for c in row]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.cells: list[str] = []
        self._in: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("style", "script")
        if tag in ("td", "th"):
            self._in.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._in:
            self.cells.append(self._in.pop())
        self._skip = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._in:
            self._in[-1] += data


def html_parts(data: bytes) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return parser.parts, parser.cells


def file_problems(name: str, data: bytes) -> list[str]:
    if name.endswith(".docx"):
        paragraphs, cells = docx_parts(data)
        return text_problems(paragraphs, name) + cell_problems(cells, name)
    if name.endswith(".xlsx"):
        texts, shares = xlsx_cells(data)
        return cell_problems(texts, name) + [
            f"{name}: aandeel niet als percentage ({s})" for s in shares if "%" not in s
        ]
    if name.endswith(".csv"):
        return cell_problems(csv_cells(data), name)
    if name.endswith(".html"):
        parts, cells = html_parts(data)
        return text_problems(parts, name) + cell_problems(cells, name)
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [p for n in archive.namelist() for p in file_problems(n, archive.read(n))]
    return []


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
WORD = re.compile(r"[A-Za-zÀ-ÿ]{4,}")


#: Printed texts by layout key, for every DOCX this test process printed (see `pdf_texts`).
_PRINTED: dict[str, str] = {}
#: The key ignores what Word shows nowhere on the page: the properties' dates, author and revision.
_PROPERTIES = re.compile(
    rb"<(dcterms:created|dcterms:modified|cp:lastModifiedBy|cp:revision)\b.*?</\1>", re.S
)


def layout_key(data: bytes) -> str:
    """Equal for two DOCX files that LibreOffice lays out alike: every part of the package in name order,
    the core properties without their dates (a document generated a minute later prints the same)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            part = archive.read(name)
            if name == "docProps/core.xml":
                part = _PROPERTIES.sub(b"", part)
            digest.update(f"{name}\0{len(part)}\0".encode())
            digest.update(part)
    return digest.hexdigest()


def _render_cache() -> Path | None:
    """A folder that the test processes of one run share (scripts/test.sh sets it), so a document that the
    SQLite run printed is not printed again by a worker or by the PostgreSQL run."""
    folder = os.environ.get("IVP_TEST_RENDER_CACHE")
    return Path(folder) if folder else None


def _cached(key: str) -> str | None:
    if key in _PRINTED:
        return _PRINTED[key]
    folder = _render_cache()
    if folder is not None and (folder / f"{key}.txt").is_file():
        _PRINTED[key] = (folder / f"{key}.txt").read_text(encoding="utf-8")
        return _PRINTED[key]
    return None


def _remember(key: str, text: str) -> None:
    _PRINTED[key] = text
    folder = _render_cache()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.{os.getpid()}.part"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, folder / f"{key}.txt")  # whole or absent, for a process reading at the same time


def pdf_texts(documents: dict[str, bytes]) -> dict[str, str]:
    """Each DOCX as LibreOffice lays it out on A4, as plain text; one LibreOffice run for all of those not
    printed before in this test run (a DOCX's text is kept by its `layout_key`)."""
    keys = {name: layout_key(data) for name, data in documents.items()}
    wanted = {key: documents[name] for name, key in keys.items() if _cached(key) is None}
    if wanted:
        assert SOFFICE and PDFTOTEXT
        with tempfile.TemporaryDirectory() as tmp:
            sources = []
            for i, data in enumerate(wanted.values()):
                source = Path(tmp) / f"doc{i}.docx"
                source.write_bytes(data)
                sources.append(str(source))
            subprocess.run(
                [SOFFICE, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                 "--outdir", tmp, *sources],
                check=True, capture_output=True, timeout=600,
            )  # fmt: skip
            for i, key in enumerate(wanted):
                pdf, txt = Path(tmp) / f"doc{i}.pdf", Path(tmp) / f"doc{i}.txt"
                subprocess.run([PDFTOTEXT, "-layout", str(pdf), str(txt)], check=True)
                _remember(key, txt.read_text(encoding="utf-8"))
    return {name: _PRINTED[key] for name, key in keys.items()}


def broken_words(documents: dict[str, bytes]) -> dict[str, list[str]]:
    """Per DOCX the words of table cells that the printed page does not hold whole as often as the document.

    A word split inside a narrow cell ("Streefwaar|de") shows on paper as two fragments, so the whole
    word is found fewer times in the PDF's text than in the DOCX (headers only add occurrences)."""
    printed_texts = pdf_texts(documents)
    found = {}
    for name, docx in documents.items():
        paragraphs, cells = docx_parts(docx)
        wanted = Counter(w for c in cells for w in WORD.findall(c))
        everywhere = Counter(w for t in (*paragraphs, *cells) for w in WORD.findall(t))
        printed = Counter(WORD.findall(printed_texts[name]))
        broken = sorted(w for w in wanted if printed[w] < everywhere[w])
        if broken:
            found[name] = broken
    return found


# ------------------------------------------------------------------- ready to send (issue 25)

#: A sentence addressed to the app's user: a page, a menu, a tab or the app as an actor for the reader.
APP_POINTER = re.compile(
    r"\bpagina\b|\bmenu\b|\btabblad\b|\btab ['‘]|\bde app\b|\bhet hulpmiddel\b|\bvan het hulpmiddel\b|"
    r"\bin de app\b|\binvulveld\b",
    re.IGNORECASE,
)
#: A whole number printed with decimals: "63,0", "100,0 %", "1.234,00" (not "0,50" or "12,5").
WHOLE_WITH_DECIMALS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,0+(?![\d])")
#: A count of a thousand or more without the thousands dot ("1000 herberekeningen"); years (1900–2099),
#: codes glued to letters ("47013NED", "GM0148") and a unit as a user named it ("per 1000") are not counts.
THOUSAND_WITHOUT_DOT = re.compile(
    r"(?<![\d.,A-Za-z])(?<!per )(?!(?:19|20)\d\d(?![\d]))[1-9]\d{3,}(?![\d.,A-Za-z])"
)
#: Statistics words a raad reads only in an appendix.
#: A period said twice: a trajectory named "IVP Dalfsen 2027-2030" followed by its period again.
DOUBLED_PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})\s+\1\s*[-–]\s*\2")
JARGON = re.compile(r"Kendall|Spearman|Borda|Schulze|\btop[- ]k\b", re.IGNORECASE)
#: The document itself called adopted by the raad; "De prioriteiten zijn vastgesteld door de gemeenteraad op …"
#: is what the raad did, and true on a concept's cover.
ADOPTED_BY_RAAD = re.compile(r"(?<!prioriteiten zijn )vastgesteld door de (gemeente)?raad", re.IGNORECASE)


def texts_of(name: str, data: bytes) -> list[str]:
    """Every visible text of a file, whatever its format (DOCX paragraphs and cells, XLSX cells, CSV, HTML)."""
    if name.endswith(".docx"):
        paragraphs, cells = docx_parts(data)
        return paragraphs + cells
    if name.endswith(".xlsx"):
        return xlsx_cells(data)[0]
    if name.endswith(".csv"):
        return csv_cells(data)
    if name.endswith(".html"):
        return html_parts(data)[0]
    if name.endswith(".md"):
        return data.decode("utf-8").splitlines()
    return []


def app_pointers(name: str, data: bytes) -> list[str]:
    return [f"{name}: {t[:140]!r}" for t in texts_of(name, data) if APP_POINTER.search(t)]


def doubled_periods(name: str, data: bytes) -> list[str]:
    return [f"{name}: {t[:140]!r}" for t in texts_of(name, data) if DOUBLED_PERIOD.search(t)]


def decimal_wholes(name: str, data: bytes) -> list[str]:
    """Whole numbers not written as a Dutch reader writes them: with decimals ("63,0") or, from a thousand up,
    without the thousands dot ("1000"). Spreadsheet cells hold numbers as numbers and are not read here."""
    texts = texts_of(name, data)
    return [
        f"{name}: {m.group(0)!r} in {t[:100]!r}" for t in texts for m in WHOLE_WITH_DECIMALS.finditer(t)
    ] + [
        f"{name}: {m.group(0)!r} zonder scheidingspunt in {t[:100]!r}"
        for t in texts
        for m in THOUSAND_WITHOUT_DOT.finditer(t)
    ]


def jargon_outside_appendix(name: str, data: bytes) -> list[str]:
    """Statistics words before the appendix ("Bijlage") heading of a DOCX or HTML document."""
    found, appendix = [], False
    for text in texts_of(name, data):
        appendix = appendix or bool(re.match(r"^\d+ Bijlage\b", text.strip()))
        if not appendix and (m := JARGON.search(text)):
            found.append(f"{name}: {m.group(0)!r} in {text[:100]!r}")
    return found


def cover_problems(name: str, data: bytes) -> list[str]:
    """A concept IVP or an uitvoeringsplan whose cover (all before the first numbered heading) says the raad
    adopted it: the raad sets priorities, it does not adopt a concept; the college adopts the uitvoeringsplan."""
    if not name.startswith(("ivp-concept", "uitvoeringsplan")) or not name.endswith((".docx", ".html")):
        return []
    cover = []
    for text in texts_of(name, data):
        if re.match(r"^1 \S", text.strip()):
            break
        cover.append(text)
    return [f"{name}: omslag {t[:120]!r}" for t in cover if ADOPTED_BY_RAAD.search(t)]


def docx_languages(data: bytes) -> set[str]:
    """Every w:lang value in the document's styles and body (w:val, the Latin-script language)."""
    langs = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in ("word/styles.xml", "word/document.xml"):
            if part in archive.namelist():
                langs.update(re.findall(r'<w:lang [^>]*w:val="([^"]+)"', archive.read(part).decode("utf-8")))
    return langs


def docx_in_order(data: bytes) -> list[str]:
    """Paragraph texts and table cells in the order a reader meets them (a table stays inside its chapter)."""
    document = Document(io.BytesIO(data))
    texts = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            texts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                texts.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return texts


def headline_problems(name: str, data: bytes, expected: str) -> list[str]:
    """The IVP concept's chapter 2 ("Strategische doelstelling") must state the total of all crime (0.0.0) per
    1.000 inhabitants: an indicator naming the total per 1.000 and ``expected`` as printed (e.g. "46")."""
    texts, inside = [], False
    for text in docx_in_order(data) if name.endswith(".docx") else texts_of(name, data):
        if re.match(r"^\d+ [A-Z]", text.strip()):
            inside = "Strategische doelstelling" in text
        elif inside:
            texts.append(text)
    chapter = " | ".join(texts)
    names_total = re.search(r"totaal[^|]*per 1\.000|per 1\.000[^|]*totaal", chapter, re.IGNORECASE)
    figure = re.search(rf"(?<![\d.,]){re.escape(expected)}(?![\d,])", chapter)
    if not (names_total and figure):
        return [
            f"{name}: hoofdstuk 2 noemt niet het totaal aantal misdrijven per 1.000 ({expected}): {chapter[:300]!r}"
        ]
    return []
