"""Stap 1 lists (werkgroep, planning, raad, previous priorities, agendas) and the startnotitie built from them."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from ivp_core.report.documents.startnotitie import render_startnote
from ivp_core.storage.db import session_scope
from ivp_core.trajectory import manage, stap1
from ivp_core.trajectory.municipalities import MunicipalityInput, TrajectoryError
from tests.badinput.snapshot import assert_unchanged, take


def _joint(engine: Engine) -> tuple[int, dict[str, int]]:
    with session_scope(engine) as db:
        tid = manage.create(
            db,
            manage.TrajectoryInput(
                "Vechtdal",
                "2027-2030",
                (
                    MunicipalityInput("GM0148", "Dalfsen", ("Nieuwleusen",), {2024: 29000}),
                    MunicipalityInput("GM0175", "Ommen"),
                ),
            ),
        )
        ids = {d.name: d.id for d in manage.municipality_details(db, tid)}
    return tid, ids


def _fill(engine: Engine, tid: int, ids: dict[str, int]) -> None:
    with session_scope(engine) as db:
        stap1.save_werkgroep(
            db, tid, [stap1.MemberInput("", "coördinator OOV", "gemeente"), stap1.MemberInput("", "", "")]
        )
        stap1.save_milestones(db, tid, stap1.default_milestones(2027))
        stap1.save_council_role(db, tid, "De raad stelt de kaders.", "raadscommissie", "raad")
        stap1.save_previous_priorities(
            db,
            tid,
            [
                stap1.PreviousPriorityInput(ids["Dalfsen"], "1.3", "woninginbraken"),
                stap1.PreviousPriorityInput(ids["Dalfsen"], "4.1", "te hard rijden"),
            ],
        )
        stap1.save_agenda_inputs(
            db,
            tid,
            [
                stap1.AgendaInputRow(
                    "politie", "5.2", "Ondermijning blijft prioriteit van de eenheid.", ids["Dalfsen"]
                ),
                stap1.AgendaInputRow("nationaal", None, "Veiligheidsagenda 2023-2026."),
            ],
        )
    stap1.save_startnote_parts(
        tid,
        stap1.StartnoteParts(
            partners="Politie basisteam, GGD, woningcorporaties.",
            capacity_hours=1200,
            budget_amount=40000,
            resident_consultation="Een online raadpleging in elke kern.",
            policy_cycle="Het IVP loopt vier jaar; elk jaar een uitvoeringsplan en een verantwoording aan de raad.",
            startnote_adopted_by="college",
            ivp_adopted_by="raad",
        ),
    )


def test_stap1_is_saved_and_read_back(engine: Engine) -> None:
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)
    with session_scope(engine) as db:
        step = stap1.read_stap1(db, tid)
    assert step.werkgroep == (stap1.MemberInput("", "coördinator OOV", "gemeente"),)
    assert [m.kind for m in step.milestones] == [
        "analyse_gereed",
        "opiniesessie",
        "raadsbesluit",
        "ivp_vastgesteld",
    ]
    assert all(m.due_on and m.due_on.year == 2026 for m in step.milestones)
    assert (step.council_role, step.opinion_gremium, step.deciding_gremium) == (
        "De raad stelt de kaders.",
        "raadscommissie",
        "raad",
    )
    assert {(p.theme_code, p.wording) for p in step.previous} == {
        ("1.3", "woninginbraken"),
        ("4.1", "te hard rijden"),
    }
    assert {a.source for a in step.agendas} == {"politie", "nationaal"}


@pytest.mark.parametrize(
    ("save", "message"),
    [
        (
            lambda db, tid, ids: stap1.save_previous_priorities(
                db, tid, [stap1.PreviousPriorityInput(ids["Dalfsen"], "9.9")]
            ),
            "geen thema",
        ),
        (
            lambda db, tid, ids: stap1.save_previous_priorities(
                db, tid, [stap1.PreviousPriorityInput(None, "1.3")]
            ),
            "Kies in rij 1 van de vorige prioriteiten de gemeente",
        ),
        (
            lambda db, tid, ids: stap1.save_previous_priorities(
                db, tid, [stap1.PreviousPriorityInput(ids["Ommen"], "1.3")] * 2
            ),
            "twee keer",
        ),
        (
            lambda db, tid, ids: stap1.save_agenda_inputs(
                db, tid, [stap1.AgendaInputRow("politie", "1.3", "")]
            ),
            "Schrijf in rij 1",
        ),
        (
            lambda db, tid, ids: stap1.save_agenda_inputs(db, tid, [stap1.AgendaInputRow("", None, "tekst")]),
            "Kies in rij 1 van de agenda's de bron",
        ),
        (
            lambda db, tid, ids: stap1.save_milestones(db, tid, [stap1.MilestoneInput("overig")]),
            "omschrijving",
        ),
        (
            lambda db, tid, ids: stap1.save_council_role(db, tid, "", "burgemeester", "raad"),
            "Onbekend gremium",
        ),
        (lambda db, tid, ids: stap1.save_werkgroep(db, tid, [stap1.MemberInput("x" * 121)]), "hoogstens 120"),
    ],
)
def test_a_refused_stap1_row_keeps_what_was_stored(engine: Engine, save, message: str) -> None:  # type: ignore[no-untyped-def]
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)
    before = take(engine)
    with pytest.raises(TrajectoryError) as caught, session_scope(engine) as db:
        save(db, tid, ids)
    assert message in caught.value.message_nl
    assert_unchanged(before, engine)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    return html.unescape(" ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)))


def test_the_startnotitie_holds_stap1_in_dutch_without_python_values(engine: Engine) -> None:
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    with session_scope(engine) as db:
        text = _docx_text(render_startnote(db, tid, now=late_evening_utc))
    assert "Startnotitie Integraal Veiligheidsplan 2027–2030" in text
    assert "Opgesteld op 1 januari 2027 om 00:30 uur" in text  # Europe/Amsterdam, not UTC
    for expected in (
        "Dalfsen",
        "GM0175",
        "29.000 (2024)",
        "Nieuwleusen",
        "coördinator OOV",
        "1 april 2026",
        "raadscommissie",
        "gemeenteraad",
        "1.3 Objectieve veiligheid",
        "woninginbraken",
        "te hard rijden",
        "Ondermijning blijft prioriteit",
        "gezamenlijk IVP",
        "Politie basisteam, GGD",
        "1.200 uur",
        "€ 40.000",
        "Een online raadpleging in elke kern.",
        "elk jaar een uitvoeringsplan",
        f"Deze startnotitie wordt vastgesteld door {stap1.ADOPTERS['college']}",
        "het Integraal Veiligheidsplan wordt vastgesteld door de gemeenteraad",
        "De politie heeft voor Ommen geen eigen prioriteiten opgegeven.",
    ):
        assert expected in text, expected
    for literal in ("None", "True", "False", "[", "{", "nan"):
        assert literal not in text, literal


def test_an_empty_startnotitie_marks_the_required_parts_for_the_reader(engine: Engine) -> None:
    """Issue 25: no sentence to the app's user; a required part reads "[nog in te vullen door de gemeente]",
    an optional one (bewonersconsultatie, vorige prioriteiten) is left out."""
    with session_scope(engine) as db:
        tid = manage.create(
            db, manage.TrajectoryInput("IVP", "2027-2030", (MunicipalityInput("GM0148", "Dalfsen"),))
        )
        text = _docx_text(render_startnote(db, tid))
    assert (
        text.count("[nog in te vullen door de gemeente]") >= 5
    )  # werkgroep, partners, planning, uren, budget
    assert "De politie heeft voor Dalfsen geen eigen prioriteiten opgegeven." in text
    for absent in (
        "None",
        "nog niet ingevuld",
        "nog niet vastgelegd",
        "Nog niets",
        "Bewonersconsultatie",
        "vorige IVP",
    ):
        assert absent not in text, absent


def test_default_planning_lies_before_the_plan_period() -> None:
    planned = stap1.default_milestones(2027)
    assert [m.due_on for m in planned] == sorted(m.due_on for m in planned if m.due_on)
    assert all(m.due_on is not None and m.due_on < date(2027, 1, 1) for m in planned)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (stap1.StartnoteParts(capacity_hours=-5), "De capaciteit in uren kan niet negatief zijn."),
        (stap1.StartnoteParts(budget_amount=-1), "Het budget kan niet negatief zijn."),
        (stap1.StartnoteParts(budget_amount=10**9), "Het budget is onwaarschijnlijk groot"),
        (stap1.StartnoteParts(policy_cycle="x" * 4001), "De beleidscyclus mag hoogstens 4000 tekens"),
        (stap1.StartnoteParts(partners="x" * 4001), "De partners mag hoogstens"),
        (stap1.StartnoteParts(startnote_adopted_by="driehoek"), "Kies wie de startnotitie vaststelt"),
    ],
)
def test_a_refused_startnotitie_part_stores_nothing(
    engine: Engine, parts: stap1.StartnoteParts, message: str
) -> None:
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)
    before = take(engine)
    with pytest.raises(TrajectoryError) as caught:
        stap1.save_startnote_parts(tid, parts)
    assert message in caught.value.message_nl
    assert_unchanged(before, engine)


def test_a_police_priority_for_a_municipality_outside_the_trajectory_is_refused(engine: Engine) -> None:
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)
    before = take(engine)
    with pytest.raises(TrajectoryError) as caught, session_scope(engine) as db:
        stap1.save_agenda_inputs(db, tid, [stap1.AgendaInputRow("politie", None, "Ondermijning", 999_999)])
    assert "hoort niet bij dit traject" in caught.value.message_nl
    assert_unchanged(before, engine)


def test_police_priorities_hold_per_municipality(engine: Engine) -> None:
    tid, ids = _joint(engine)
    _fill(engine, tid, ids)  # 5.2 for Dalfsen only
    with session_scope(engine) as db:
        stap1.save_agenda_inputs(
            db,
            tid,
            [
                stap1.AgendaInputRow("politie", "5.2", "Ondermijning", ids["Dalfsen"]),
                stap1.AgendaInputRow("politie", None, "Zichtbaar in de wijk", None),
            ],
        )
    with session_scope(engine) as db:
        dalfsen = stap1.police_priorities_for(db, tid, ids["Dalfsen"])
        ommen = stap1.police_priorities_for(db, tid, ids["Ommen"])
    assert [r.text for r in dalfsen] == ["Zichtbaar in de wijk", "Ondermijning"]
    assert [r.text for r in ommen] == ["Zichtbaar in de wijk"]
