"""Every DOCX of the product starts from new_document(): Dutch in the document defaults, every style and the
theme fonts, so Word proofs a run in Dutch whatever style it has (python-docx's template says en-US)."""

from __future__ import annotations

import io

from ivp_core.report.writers.docx import new_document
from tests.report.writers.documents import W, docx_parts, docx_xml


def test_new_document_is_dutch_in_every_style_and_run() -> None:
    document = new_document()
    document.add_heading("Startnotitie", level=0)
    document.add_paragraph("Aanleiding", style="List Bullet").add_run(" en doel")
    table = document.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    table.cell(0, 0).text = "Partners"
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    styles = docx_xml(data, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default is not None and default.get(f"{W}val") == "nl-NL"
    languages = [
        (part, lang.get(f"{W}val"))
        for part in docx_parts(data)
        if part.endswith(".xml")
        for lang in docx_xml(data, part).iter(f"{W}lang", f"{W}themeFontLang")
    ]
    assert languages and all(value == "nl-NL" for _part, value in languages)
    assert document.core_properties.language == "nl-NL"
