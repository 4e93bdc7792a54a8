"""The joint IVP document of Stap 3a: a shared part and a part per municipality, every raad's decision side by
side and each conflict with the agreement named.

Kernbeleid Veiligheid lets several municipalities write one IVP, "samen waar het kan, lokaal waar het moet":
shared (bovenlokale) priorities and local ones per municipality. Each raad still sets its own priorities, so
the document never puts the agreement in a raad's mouth: it shows what each raad (or the advice before it)
chose, the agreement beside it, and where the two differ (``plan.joint.member_decisions``, the same
comparison the verslag and the Gezamenlijk IVP page use).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import AMSTERDAM, file_slug, long_date
from ivp_core.plan.joint import (
    AgreedSets,
    JointResult,
    MemberDecision,
    agreed_sets,
    joint_view,
    member_decisions,
    police_priorities,
    theme_list,
    too_many_warnings,
)
from ivp_core.report.blocks import (
    Block,
    BlocksDocument,
    Bullets,
    Heading,
    Paragraph,
    TableBlock,
    TitleBlock,
    renumber,
)
from ivp_core.report.going_concern import grouped
from ivp_core.report.labels import ReportError, number
from ivp_core.report.ranks import RANK_EXPLANATION, place_text, shared_places
from ivp_core.storage.models import Trajectory

TITLE = "Gezamenlijk Integraal Veiligheidsplan: prioriteiten"
NUMBER_WORDS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht"}


def _label(code: str) -> str:
    return f"{code} {load_catalogue().theme(code).name}"


def _intro(agreed: AgreedSets | None, n: int) -> Iterator[Block]:
    yield Heading(1, "1 Over dit document")
    yield Paragraph(
        f"De {NUMBER_WORDS.get(n, str(n))} gemeenten schrijven samen één Integraal Veiligheidsplan: samen waar het kan, lokaal waar het "
        "moet. Dit document bevat het gezamenlijke deel (de bovenlokale prioriteiten) en daarna een deel per "
        "gemeente. Elke gemeenteraad stelt zijn eigen prioriteiten vast; de afspraak tussen de gemeenten "
        "vervangt dat besluit niet. Waar een gemeente iets anders koos dan de afspraak, staat dat erbij."
    )
    if agreed is not None and agreed.recorded_at is not None:
        yield Paragraph(f"De gemeenten legden hun afspraak vast op {long_date(agreed.recorded_at)}.")
    else:
        yield Paragraph(
            "De gemeenten hebben nog geen afspraak vastgelegd. De gezamenlijke en lokale prioriteiten in dit "
            "document zijn een voorstel volgens de rekenregel in hoofdstuk 2.",
            style="note",
        )


def _shared(
    joint: JointResult, agreed: AgreedSets | None, police: Sequence[tuple[str | None, str]]
) -> Iterator[Block]:
    shared = agreed.shared if agreed is not None else joint.shared
    yield Heading(1, "2 Gezamenlijk deel")
    yield Heading(2, "Gezamenlijke (bovenlokale) prioriteiten")
    if shared:
        yield Bullets(tuple(_label(c) for c in shared))
    else:
        yield Paragraph("Er is geen gezamenlijke prioriteit: geen thema is in (bijna) alle gemeenten hoog.")
    yield Heading(2, "Prioriteiten van de politie-eenheid")
    if police:
        yield Bullets(tuple(f"{_label(c)}: {t}" if c and t else _label(c) if c else t for c, t in police))
    else:
        yield Paragraph(
            "De politie-eenheid heeft geen eigen prioriteiten opgegeven voor dit plan; ze zijn daarom niet "
            "meegewogen."
        )
    yield Heading(2, "Hoe het voorstel tot stand kwam")
    yield Paragraph(
        f"Een thema is gezamenlijk als het een prioriteit is in minstens {joint.quorum} van de "
        f"{len(joint.municipalities)} gemeenten, of als elke gemeente het een plaats gaf en de gemiddelde "
        f"plaats {joint.top_k} of beter is. Lokaal: een prioriteit in één gemeente, maar niet gezamenlijk. Elke "
        "gemeente telt met haar eigen vastgelegde keuze, of anders met het advies uit haar eigen sessies. De "
        "gemeenten kunnen in hun afspraak van dit voorstel afwijken.",
        style="note",
    )


def _side_by_side(members: Sequence[MemberDecision], agreed: AgreedSets | None) -> Iterator[Block]:
    yield Heading(1, "3 De besluiten van de gemeenteraden naast elkaar")
    yield TableBlock(
        ("Gemeente", "Eigen besluit", "Gekozen thema's"),
        tuple(
            (
                m.name,
                m.own_words or "Nog geen keuze vastgelegd",
                "; ".join(_label(c) for c in m.own) or "–",
            )
            for m in members
        ),
        (2.6, 4.4, 7),
    )
    codes = list(
        dict.fromkeys(
            [
                *(agreed.shared if agreed is not None else ()),
                *(c for m in members for c in m.agreed),
                *(c for m in members for c in m.own),
            ]
        )
    )
    codes.sort(key=load_catalogue().theme_codes.index)
    shared = set(agreed.shared) if agreed is not None else set()

    def cell(m: MemberDecision, code: str) -> str:
        own, together = code in m.own, code in m.agreed
        if own and together:
            return "gekozen"
        if own:
            return "gekozen, niet in afspraak" if m.agreed else "gekozen"
        if together:
            return "niet gekozen, wel in afspraak" if m.own else "in afspraak"
        return ""

    if codes:
        yield Paragraph(
            "Per thema: staat het in de afspraak (gezamenlijk of lokaal), en koos elke gemeente het zelf? "
            "'Niet gekozen, wel in afspraak' en 'gekozen, niet in afspraak' zijn verschillen tussen het eigen "
            "besluit en de afspraak."
        )
        yield TableBlock(
            ("Thema", "Afspraak", *(m.name for m in members)),
            tuple(
                (
                    _label(code),
                    "gezamenlijk"
                    if code in shared
                    else ", ".join(f"lokaal {m.name}" for m in members if code in m.agreed) or "–",
                    *(cell(m, code) for m in members),
                )
                for code in codes
            ),
            (4.2, 3.2, *(2.6,) * len(members)),
        )
    conflicts = [m for m in members if m.differs]
    if conflicts:
        yield Heading(2, "Verschillen met de afspraak")
        for m in conflicts:
            yield Paragraph(m.difference_text(), label="Let op: ")
    elif agreed is not None and all(m.own for m in members):
        yield Paragraph("Elke gemeente koos dezelfde thema's als in de afspraak.")


def _member(
    m: MemberDecision, joint: JointResult, agreed: AgreedSets | None, warnings: Sequence[str]
) -> Iterator[Block]:
    yield Heading(1, f"9 {m.name}")
    if m.own:
        yield Paragraph(f"{m.own_words}: {theme_list(m.own)}.", label="Eigen besluit: ")
        if m.own_status != "vastgesteld":
            yield Paragraph(
                "Dit is een advies; de gemeenteraad van deze gemeente heeft de prioriteiten nog niet vastgesteld.",
                style="note",
            )
    else:
        yield Paragraph(
            "Voor deze gemeente is nog geen advies of besluit over de prioriteiten vastgelegd.", style="note"
        )
    local = (agreed.local if agreed is not None else joint.local).get(m.municipality_id, ())
    yield Paragraph(
        (theme_list(local) + ".") if local else "geen eigen prioriteit naast de gezamenlijke.",
        label="Lokale prioriteiten volgens de afspraak: "
        if agreed is not None
        else "Lokale prioriteiten (voorstel): ",
    )
    if m.differs:
        yield Paragraph(
            "Het eigen besluit wijkt af van de afspraak; zie 'Verschillen met de afspraak'.", style="note"
        )
    for warning in warnings:
        if warning.startswith(m.name):
            yield Paragraph(warning, label="Let op: ")


def _places(joint: JointResult) -> Iterator[Block]:
    yield Heading(1, "9 Plaats van elk thema per gemeente")
    places = tuple(shared_places(m.ranks.values()) for m in joint.municipalities)
    yield TableBlock(
        ("Thema", "Voorstel (rekenregel)", *(m.name for m in joint.municipalities)),
        tuple(
            (
                _label(t.theme),
                t.status,
                *(
                    place_text(t.ranks.get(m.municipality_id), p)
                    for m, p in zip(joint.municipalities, places, strict=True)
                ),
            )
            for t in joint.themes
            if t.status != "overig"
        ),
        (5, 2.4, *(2.4,) * len(joint.municipalities)),
        tuple(range(2, 2 + len(joint.municipalities))),
    )
    yield Paragraph(
        "Plaats in de eigen uitslag van elke gemeente (1 = belangrijkst). " + RANK_EXPLANATION, style="note"
    )
    for m in joint.municipalities:
        if not m.ranks:
            yield Paragraph(
                f"{m.name} heeft geen plaatsen: de keuze is gemaakt zonder stemming in de sessies (bijvoorbeeld op "
                "papier), dus er is geen volgorde van de thema's.",
                style="note",
            )


def _going_concern(
    joint: JointResult, agreed: AgreedSets | None, members: Sequence[MemberDecision]
) -> Iterator[Block]:
    """The themes that no municipality takes up: not in the agreement and not in any member's own decision (a
    raad that chose a theme outside the agreement made it a priority of its own, not going concern)."""
    taken = set(agreed.shared if agreed is not None else joint.shared)
    for own in (agreed.local if agreed is not None else joint.local).values():
        taken.update(own)
    for member in members:
        taken.update(member.own)
    rest = [t for t in load_catalogue().themes if t.code not in taken]
    if not rest:
        return
    yield Heading(1, "9 Overige strategische thema's (going concern)")
    yield Paragraph(
        f"De overige {number(len(rest), 0)} thema's zijn in geen enkele gemeente een prioriteit: niet volgens de "
        "afspraak en niet volgens het eigen advies of besluit van een gemeente. De lopende aanpak gaat door, "
        "zonder extra inzet. Ze staan in samenhangende sets: een thema hoort bij de set van de lopende aanpak "
        "die het draagt."
    )
    yield TableBlock(
        ("Set", "Thema's", "Lopende aanpak"),
        tuple(
            (concern.name, "; ".join(f"{t.code} {t.name}" for t in own), concern.reason)
            for concern, own in grouped(rest)
        ),
        (3.2, 6.5, 5),
    )


def build_joint_document(db: Session, trajectory_id: int, today: date | None = None) -> BlocksDocument:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ReportError(f"Traject {trajectory_id} bestaat niet.")
    if len(trajectory.municipalities) < 2:
        raise ReportError(
            "Het document 'gezamenlijk IVP' bestaat alleen voor een traject van meerdere gemeenten."
        )
    joint = joint_view(db, trajectory_id)
    agreed = agreed_sets(db, trajectory_id)
    members = member_decisions(db, trajectory_id)
    police = police_priorities(db, trajectory_id)
    names = [m.name for m in members]
    period = f"{trajectory.period_start}–{trajectory.period_end}"
    meta = [f"Gemaakt op {long_date(today or datetime.now(AMSTERDAM).date())}"]
    if trajectory.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    meta.append(
        "Stand van de besluiten: "
        + "; ".join(
            f"{m.name}: {m.own_words[0].lower() + m.own_words[1:]}"
            if m.own_words
            else f"{m.name}: nog geen keuze"
            for m in members
        )
        + "."
    )
    shown = agreed if agreed is not None else AgreedSets(joint.shared, joint.local, None)
    warnings = too_many_warnings(shown, {m.municipality_id: m.name for m in members})
    blocks: list[Block] = [
        TitleBlock(TITLE, f"{', '.join(names)} · Integraal Veiligheidsplan {period}", tuple(meta)),
        *_intro(agreed, len(members)),
        *_shared(joint, agreed, police),
        *_side_by_side(members, agreed),
    ]
    for m in members:
        blocks += _member(m, joint, agreed, warnings)
    if joint.municipalities:
        blocks += _places(joint)
    blocks += _going_concern(joint, agreed, members)
    name = (
        file_slug(trajectory.name, "").removeprefix("gezamenlijk-ivp").strip("-")
    )  # not "gezamenlijk-ivp-gezamenlijk-…"
    stem = "-".join(
        p for p in ("gezamenlijk-ivp", name, str(trajectory.period_start), str(trajectory.period_end)) if p
    )
    return BlocksDocument(
        TITLE, f"Gezamenlijk IVP · {', '.join(names)} {period}", stem, tuple(renumber(blocks))
    )
