"""The verslag's chapters on the themes as a whole: going concern grouped into the kanteling's sets, and the
IVP's table of contents with the themes each chapter takes up."""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.catalogue import load_catalogue
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock
from ivp_core.report.documents.verslag_model import Report, ThemeLine
from ivp_core.report.going_concern import grouped
from ivp_core.report.ranks import RANK_EXPLANATION, place_text


def going_concern_blocks(report: Report) -> Iterator[Block]:
    if not report.going_concern:
        return
    yield Heading(1, "3 Going concern-thema's")
    yield Paragraph(
        "Deze thema's zijn geen prioriteit. De gemeente en haar partners zetten de huidige aanpak voort; "
        "er komt geen of beperkt extra inzet bij."
    )
    ranked = bool(report.ranking)
    rows = []
    for concern, themes in grouped(report.going_concern):
        for i, t in enumerate(themes):
            place = (place_text(t.rank, report.shared_places),) if ranked else ()
            rows.append(
                (
                    concern.name if i == 0 else "",
                    f"{t.code} {t.name}",
                    *place,
                    concern.reason if i == 0 else "",
                )
            )
    yield Paragraph(
        "Volgens de methode worden deze thema's samengevoegd tot een logische set. De regel hier: een thema "
        "hoort bij de set van de lopende aanpak die het draagt. Per set staat waarom de huidige aanpak volstaat."
    )
    header = ("Set", "Thema", *(("Plaats in advies",) if ranked else ()), "Lopende aanpak")
    widths = (3.2, 5.0, *((2.0,) if ranked else ()), 5.0)
    yield TableBlock(header, tuple(rows), widths, (2,) if ranked else ())
    if any(t.rank in report.shared_places for t in report.going_concern):
        yield Paragraph(RANK_EXPLANATION, style="note")


def themes_per_set(themes: tuple[ThemeLine, ...]) -> Iterator[str]:
    """Going concern themes per set of the kanteling, one line per set with its reason."""
    for concern, own in grouped(themes):
        yield f"{concern.name}: " + "; ".join(f"{t.code} {t.name}" for t in own) + f". {concern.reason}"


def themes_per_field(themes: tuple[ThemeLine, ...]) -> Iterator[str]:
    """Themes clustered per veiligheidsveld, one line per field: not eighteen names in a row."""
    catalogue = load_catalogue()
    for fld in catalogue.fields:
        own = [t for t in themes if catalogue.field_of(t.code).code == fld.code]
        if own:
            yield f"Veld {fld.code} {fld.name}: " + "; ".join(f"{t.code} {t.name}" for t in own)


def contents_blocks(report: Report) -> Iterator[Block]:
    yield Heading(1, "4 Inhoudsopgave van het IVP")
    yield Paragraph(
        "Volgens Kernbeleid Veiligheid (stap 4) krijgt het IVP zeven hoofdstukken. De prioriteiten worden "
        "uitgewerkt in hoofdstuk 4 van het IVP, de going concern-thema's in hoofdstuk 5 van het IVP."
    )
    for chapter in report.chapters:
        yield Heading(2, f"IVP-hoofdstuk {chapter.number}: {chapter.title}")
        yield Paragraph(chapter.description)
        if chapter.themes:
            per = themes_per_set if chapter.number == 5 else themes_per_field
            yield Bullets(tuple(per(chapter.themes)))
