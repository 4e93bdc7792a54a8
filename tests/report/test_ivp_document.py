"""The IVP concept and the uitvoeringsplan as a griffier sends them (issue 25): no sentence to the app's user,
covers that say exactly who decided what, the headline figure the total of all crime per 1.000, the parts the
coordinator wrote in the app, going concern in a stated set, budgets as euro amounts with a total, and the
police's priorities or the sentence that they were not given. On the demo, on a trajectory a user made and on a
joint one."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import Engine, select

from ivp_core.dutch import local_today, long_date, nl_number
from ivp_core.plan.actions import save_actions
from ivp_core.plan.texts import SaveTexts, save_texts
from ivp_core.report.blocks import Block, Bullets, Heading, Paragraph, TableBlock, TitleBlock
from ivp_core.report.documents.plan_parts import PENDING, PlanDocument
from ivp_core.report.documents.uitvoeringsplan import build_plan_documents, plan_xlsx
from ivp_core.report.going_concern import SETS
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, Municipality, PriorityDecision, Trajectory
from ivp_core.trajectory import manage, stap1
from ivp_core.trajectory.municipalities import MunicipalityInput

#: What a document the raad receives may never say: it speaks to the user of this application.
TO_THE_USER = re.compile(
    r"\bpagina\b|\bde app (heeft|toont)\b|\bin de app\b|\bmenu\b|\binvulveld\b|\bWord-document\b|\bVul (ze|het|per)\b",
    re.IGNORECASE,
)


def block_texts(blocks: tuple[Block, ...]) -> list[str]:
    """Every text a reader sees in the blocks, a table row as one line."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.label + block.text)
        elif isinstance(block, Bullets):
            out.extend(block.items)
        elif isinstance(block, TableBlock):
            out.extend(" | ".join(row) for row in (block.header, *block.rows))
        elif isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, TitleBlock):
            out.extend((block.title, block.subtitle, *block.meta))
    return out


def _cover(doc: PlanDocument) -> tuple[str, ...]:
    title = doc.blocks[0]
    assert isinstance(title, TitleBlock)
    return title.meta


def _own(engine: Engine, *members: MunicipalityInput) -> int:
    """A trajectory a user made, its planning in the future."""
    start = local_today().year + 1
    with session_scope(engine) as db:
        return manage.create(
            db,
            manage.TrajectoryInput(
                "IVP eigen gemeente",
                f"{start}-{start + 3}",
                members or (MunicipalityInput("GM0148", "Dalfsen", ("Nieuwleusen",)),),
            ),
        )


def _adopt(engine: Engine, tid: int, mid: int | None, chosen: list[str], days_ago: int = 10) -> str:
    """A raad's vaststelling recorded without any advice from the app (a paper session)."""
    meeting = local_today() - timedelta(days=days_ago)
    with session_scope(engine) as db:
        db.add(
            PriorityDecision(
                trajectory_id=tid,
                municipality_id=mid,
                settings={},
                advice={},
                chosen=chosen,
                decided_by="Griffie",
                gremium="raad",
                meeting_date=meeting,
                status="vastgesteld",
            )
        )
    return long_date(meeting)


def _member_ids(engine: Engine, tid: int) -> dict[str, int]:
    with session_scope(engine) as db:
        t = db.get(Trajectory, tid)
        assert t is not None
        return {m.name: m.id for m in t.municipalities}


def test_the_demo_documents_speak_to_the_raad_not_to_the_app_user(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        draft, plan = build_plan_documents(db, tid)
    said = [t for t in block_texts(draft.blocks) + block_texts(plan.blocks) if TO_THE_USER.search(t)]
    assert said == []
    # what is open is listed for the coordinator's checklist instead, with where to fill it in
    assert any(where == "texts" for _, where in draft.open_items)


def test_the_headline_figure_is_all_crime_per_1000_inhabitants(demo_engine: Engine) -> None:
    """Chapter 2 showed theme 1.3's subset; the total of all crime (0.0.0) per 1.000 is the figure."""
    with session_scope(demo_engine) as db:
        tid = db.scalars(select(Trajectory.id)).one()
        region = db.scalars(select(Municipality.cbs_code)).one().strip()
        crimes = {
            f.year: f.value
            for f in db.scalars(
                select(Figure).where(
                    Figure.region_code == region, Figure.indicator.like("Geregistreerde misdrijven: 0.0.0 %")
                )
            )
        }
        people = {
            f.year: f.value
            for f in db.scalars(
                select(Figure).where(Figure.region_code == region, Figure.indicator == "Inwoners")
            )
        }
        draft, _ = build_plan_documents(db, tid)
    year = max(crimes)
    inhabitants = people.get(year) or people[max(y for y in people if y <= year)]
    expected = f"{nl_number(crimes[year] / inhabitants * 1000, 1)} ({year})"
    tables = [b for b in draft.blocks if isinstance(b, TableBlock) and b.header[0] == "Indicator"]
    assert tables, "chapter 2 has no table of overarching indicators"
    total = next(r for r in tables[0].rows if r[0].startswith("Geregistreerde misdrijven, totaal"))
    assert total[2] == expected


def test_covers_say_who_decided_what(engine: Engine) -> None:
    tid = _own(engine)
    mid = _member_ids(engine, tid)["Dalfsen"]
    when = _adopt(engine, tid, mid, ["1.3", "4.1"])
    with session_scope(engine) as db:
        draft, plan = build_plan_documents(db, tid, mid)
    concept, uitvoering = _cover(draft), _cover(plan)
    assert not any(line.startswith("Vastgesteld") for line in concept + uitvoering)
    assert concept[0] == "Concept, ter vaststelling door de gemeenteraad."
    assert f"De prioriteiten zijn vastgesteld door de gemeenteraad op {when}." in concept
    assert "ter vaststelling door het college" in uitvoering[0]
    assert "de gemeenteraad wordt over het vastgestelde uitvoeringsplan geïnformeerd" in uitvoering[0]


def test_the_texts_written_in_the_app_fill_chapters_2_3_6_and_flankerend_beleid(engine: Engine) -> None:
    tid = _own(engine)
    mid = _member_ids(engine, tid)["Dalfsen"]
    _adopt(engine, tid, mid, ["1.3", "4.1"])
    save_texts(
        SaveTexts(
            tid,
            None,
            "In 2030 voelen inwoners zich veiliger dan nu.",
            "Wijkgericht werken is de rode draad.",
            "De burgemeester stuurt; de raad hoort elk jaar hoe het gaat.",
            {"1.3": "Het armoedebeleid en de schuldhulp.", "4.1": "Het verkeersplan 2028."},
        )
    )
    stap1.save_startnote_parts(
        tid, stap1.StartnoteParts(policy_cycle="Elk jaar een uitvoeringsplan en een verantwoording.")
    )
    with session_scope(engine) as db:
        draft, plan = build_plan_documents(db, tid, mid)
    text = "\n".join(block_texts(draft.blocks))
    for expected in (
        "In 2030 voelen inwoners zich veiliger dan nu.",
        "Wijkgericht werken is de rode draad.",
        "De burgemeester stuurt",
        "Flankerend beleid: Het armoedebeleid en de schuldhulp.",
        "Flankerend beleid: Het verkeersplan 2028.",
        "Elk jaar een uitvoeringsplan en een verantwoording.",
    ):
        assert expected in text, expected
    assert "Elk jaar een uitvoeringsplan en een verantwoording." in "\n".join(block_texts(plan.blocks))
    # what is not written yet is marked for the reader, never with an instruction
    assert PENDING in text and not TO_THE_USER.search(text)


def test_going_concern_is_a_stated_set_not_a_list_per_veld(engine: Engine) -> None:
    tid = _own(engine)
    mid = _member_ids(engine, tid)["Dalfsen"]
    _adopt(engine, tid, mid, ["1.3", "4.1"])
    with session_scope(engine) as db:
        draft, plan = build_plan_documents(db, tid, mid)
    headings = [b.text for b in draft.blocks if isinstance(b, Heading) and b.level == 2]
    titles = {concern.name for concern in SETS}
    assert not any(h.startswith("Veld ") for h in headings)
    assert {
        "Leefbaarheid in wijk en buurt",
        "Jeugd, zorg en radicalisering",
        "Weerbaar en integer bestuur",
    } <= (set(headings) & titles)
    reasons = [b.text for b in draft.blocks if isinstance(b, Paragraph) and b.style == "note"]
    assert any("wijkgerichte aanpak" in r for r in reasons)
    assert any(
        item.startswith("Fysieke veiligheid en crisisbeheersing: 4.2")
        for b in plan.blocks
        if isinstance(b, Bullets)
        for item in b.items
    )


def test_budgets_are_euro_amounts_with_a_total_also_as_numbers_in_the_xlsx(engine: Engine) -> None:
    tid = _own(engine)
    mid = _member_ids(engine, tid)["Dalfsen"]
    _adopt(engine, tid, mid, ["1.3", "4.1"])
    with session_scope(engine) as db:
        save_actions(
            db,
            tid,
            mid,
            "1.3",
            [
                {"action": "Inbraakpreventie", "budget_amount": 40000, "budget": "per jaar"},
                {"action": "Buurtpreventie", "budget_amount": "25.000"},
            ],
        )
        save_actions(
            db, tid, mid, "4.1", [{"action": "Snelheidsdisplays", "budget": "binnen bestaand budget"}]
        )
    with session_scope(engine) as db:
        draft, plan = build_plan_documents(db, tid, mid)
    text = "\n".join(block_texts(draft.blocks))
    assert "€ 40.000 per jaar" in text and "binnen bestaand budget" in text
    budget = [
        b
        for b in draft.blocks
        if isinstance(b, TableBlock) and b.header[-1] == "Budget" and b.rows[-1][0] == "Totaal"
    ]
    assert budget and budget[0].rows[-1][-1] == "€ 65.000"
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan))).active
    amounts = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert amounts[:2] == [40000, 25000] and amounts[-1] == 65000
    assert all(isinstance(a, int) for a in amounts if a is not None)


def test_police_priorities_per_municipality_or_the_sentence_that_they_were_not_given(engine: Engine) -> None:
    tid = _own(engine, MunicipalityInput("GM0148", "Dalfsen"), MunicipalityInput("GM0175", "Ommen"))
    ids = _member_ids(engine, tid)
    with session_scope(engine) as db:
        stap1.save_agenda_inputs(
            db, tid, [stap1.AgendaInputRow("politie", "5.2", "Ondermijning", ids["Dalfsen"])]
        )
    with session_scope(engine) as db:
        dalfsen, _ = build_plan_documents(db, tid, ids["Dalfsen"])
        ommen, _ = build_plan_documents(db, tid, ids["Ommen"])
    assert "5.2 Georganiseerde/ondermijnende criminaliteit: Ondermijning" in block_texts(dalfsen.blocks)
    assert "De politie heeft voor Ommen geen eigen prioriteiten opgegeven." in block_texts(ommen.blocks)


def test_a_members_own_text_replaces_the_shared_one_in_a_joint_ivp(engine: Engine) -> None:
    tid = _own(engine, MunicipalityInput("GM0148", "Dalfsen"), MunicipalityInput("GM0175", "Ommen"))
    ids = _member_ids(engine, tid)
    save_texts(SaveTexts(tid, None, "Samen veilig in het Vechtdal.", "", "", {}))
    save_texts(SaveTexts(tid, ids["Ommen"], "Ommen: veilig in elke kern.", "", "", {}))
    with session_scope(engine) as db:
        dalfsen, _ = build_plan_documents(db, tid, ids["Dalfsen"])
        ommen, _ = build_plan_documents(db, tid, ids["Ommen"])
    assert "Samen veilig in het Vechtdal." in block_texts(dalfsen.blocks)
    assert "Ommen: veilig in elke kern." in block_texts(ommen.blocks)
    assert "Samen veilig in het Vechtdal." not in block_texts(ommen.blocks)
