"""The verslag's opening: what was chosen or advised, by whom, from how many participants, and, in a joint IVP,
the agreement of Stap 3a beside the member's own choice. What a griffier reads first, so it is kept apart from
the chapters that explain it."""

from __future__ import annotations

from collections.abc import Iterator

from ivp_core.plan.joint import theme_list
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.labels import DECISION_RULE, NO_SESSION_ADVICE
from ivp_core.vocabulary import gremium_in_sentence


def participation_phrase(report: Report) -> str:
    """Who took part, per group with numbers and how they voted: "240 inwoners (online), 14 …"."""
    per_group: dict[str, dict[str, int]] = {}
    for s in report.sessions:
        target = per_group.setdefault(s.group, {})
        for entry, n in s.entries.items():
            target[entry] = target.get(entry, 0) + n
    parts = []
    for group, entries in per_group.items():
        total = sum(entries.values())
        if not total:
            continue
        if len([n for n in entries.values() if n]) == 1:
            how = next(entry.lower() for entry, n in entries.items() if n)
        else:
            how = ", ".join(f"{n} {entry.lower()}" for entry, n in sorted(entries.items()) if n)
        parts.append(f"{report.group(group).lower()} {total} ({how})")
    return "; ".join(parts)


def summary_blocks(report: Report) -> Iterator[Block]:
    yield Heading(1, "1 Samenvatting")
    total = report.total_ballots
    n_sessions = len([s for s in report.sessions if s.n_ballots])
    who = participation_phrase(report)
    took_part = (
        f"In {n_sessions} {'sessie' if n_sessions == 1 else 'sessies'} "
        f"{'vulde 1 deelnemer' if total == 1 else f'vulden {total} deelnemers'} een stemformulier in: {who}."
        if total
        # a choice made outside the app: NO_SESSION_ADVICE below says how, "nog" would promise votes to come
        else ""
        if report.without_app_advice
        else "Er zijn nog geen stemformulieren ingevuld."
    )
    place = f"{report.municipality}: " if len(report.municipalities) > 1 else ""
    n = len(report.chosen)
    if report.chosen and report.status:
        yield Paragraph(
            (
                f"{place}{report.decision_line}: {n} prioriteiten voor het Integraal Veiligheidsplan "
                f"{report.period}. Zij volgen uit de veiligheidsanalyse (stap 2) en de prioritering (stap 3). "
                + took_part
            ).rstrip(),
            style="lead",
        )
        if report.status != "vastgesteld":
            yield Paragraph(
                f"Dit is een advies. Het besluit over de prioriteiten neemt "
                f"{gremium_in_sentence(report.deciding_gremium or 'raad')}.",
                style="note",
            )
        yield Paragraph(DECISION_RULE, style="note")
        if report.without_app_advice:
            yield Paragraph(NO_SESSION_ADVICE, style="note")
    elif report.chosen:
        yield Paragraph(
            f"{place}Er is nog geen keuze vastgelegd. Hieronder staat het actuele advies uit de prioritering "
            f"als voorstel: {n} prioriteiten. " + took_part,
            style="lead",
        )
    else:
        yield Paragraph(
            f"{place}Er zijn nog geen stemmen om een advies op te baseren. Dit verslag bevat alleen de deelname. "
            + took_part,
            style="lead",
        )
    if report.chosen:
        yield Paragraph("De prioriteiten:")
        yield Bullets(
            tuple(
                f"{t.label_with_focus} (veld {t.field_name})"
                + (" – gezamenlijke prioriteit" if t.shared else "")
                for t in report.chosen
            )
        )
        if report.later_records:  # after the vaststelling's own list, so the list is never read as theirs
            yield Paragraph("Later vastgelegd; dit vervangt de vaststelling niet:", style="note")
            yield Bullets(report.later_records)
        yield from agreement_blocks(report)
        yield Paragraph(
            f"De overige {len(report.going_concern)} thema's zijn going concern: de lopende aanpak gaat "
            "door, zonder extra inzet. Zij staan, in samenhangende sets met de aanpak die ze draagt, bij "
            "'Going concern-thema's'."
        )


def agreement_blocks(report: Report) -> Iterator[Block]:
    """In a joint IVP: the agreement of Stap 3a beside the member's own choice, and the difference named (the
    verslag's summary and the member's IVP concept alike)."""
    member = report.member
    if member is None or not member.agreed:
        return
    if report.status:
        yield Paragraph(
            theme_list(member.agreed) + ".", label="Afspraak tussen de samenwerkende gemeenten (stap 3a): "
        )
    if member.differs:
        yield Paragraph(member.difference_text(), label="Let op: ")
