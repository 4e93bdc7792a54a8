"""What the raad receives is ready to send (issue 25): every document of a single trajectory and of a joint one,
in every format it exists in, read as a griffier would.

The joint trajectory has three member municipalities and a recorded Stap 3a agreement; Gemeente A's raad
adopted (vastgesteld) a set that differs from the agreement, B's raadscommissie gave an advice equal to it,
and C recorded nothing. Checks on other engineers' work (the IVP concept and the uitvoeringsplan of
method-texts, the writers' language setting) are in the ``test_after_the_merge_*`` functions: xfail until that
work reached main, and passing (marks removed) since it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from ivp_core.advice.aggregate import AggregationSettings
from ivp_core.advice.decision import STANDING_RULE_NL, DecisionRequest, record_decision, standing_decision
from ivp_core.advice.results import compute_advice
from ivp_core.dutch import local_today, long_date
from ivp_core.plan.joint import member_decisions, record_joint_choice
from ivp_core.report.documents.verslag_model import build_report
from ivp_core.report.files import FORMATS, all_documents
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, IvpText, Municipality, PriorityDecision, ThemeAnalysis, Trajectory
from tests.advice.decision_world import build_world, build_world_without_votes, held_days_ago
from tests.plan.test_joint import build_joint
from tests.report.doccheck import (
    PDFTOTEXT,
    SOFFICE,
    app_pointers,
    broken_words,
    cover_problems,
    decimal_wholes,
    docx_in_order,
    docx_languages,
    doubled_periods,
    file_problems,
    headline_problems,
    jargon_outside_appendix,
    texts_of,
)
from tests.report.factory import build_trajectory

#: Documents this engineer owns; the IVP concept and the uitvoeringsplan are method-texts' (see below).
OWN = ("verslag-", "veiligheidsanalyse-", "gezamenlijk-ivp-", "checklist-")
OTHERS = ("ivp-concept-", "uitvoeringsplan-")
#: Total of all crime (0.0.0) in the single trajectory's municipality, and its inhabitants (factory: 12.000).
TOTAL_CRIME, INHABITANTS = 552.0, 12_000
TOTAL_CRIME_INDICATOR = "Geregistreerde misdrijven: 0.0.0 Totaal misdrijven"


@dataclass(frozen=True)
class Joint:
    trajectory_id: int
    ids: dict[str, int]
    files: dict[str, bytes]


def _add_total_crime(engine: Engine) -> None:
    """The police file's total of all crime (0.0.0) of Testdorp in 2024, the IVP's headline figure."""
    with session_scope(engine) as db:
        town = db.scalars(select(Municipality).where(Municipality.name == "Testdorp")).one()
        db.add(
            Figure(
                region_code=town.cbs_code, theme_code=None, indicator=TOTAL_CRIME_INDICATOR, year=2024,
                value=TOTAL_CRIME, unit="aantal", source="CBS/Politie",
            )
        )  # fmt: skip


@pytest.fixture
def single(engine: Engine) -> dict[str, bytes]:
    # A name that says its period, as users often type it.
    built = build_trajectory(engine, name="IVP Testdorp 2027-2030")
    _add_total_crime(engine)
    with session_scope(engine) as db:
        return all_documents(
            db, built.trajectory_id, FORMATS, ("verslag", "analyse", "ivp", "uitvoeringsplan", "checklist")
        )


@pytest.fixture
def joint(engine: Engine) -> Joint:
    tid, ids = build_joint(engine)
    meeting = local_today()
    with session_scope(engine) as db:
        record_joint_choice(db, tid, ["5.2", "3.1", "1.3"], {ids["A"]: ["1.1"], ids["C"]: ["1.4"]})
        settings = AggregationSettings(top_k=4, resamples=0)
        advice_a = compute_advice(db, tid, ids["A"], settings)
        record_decision(
            db,
            tid,
            ids["A"],
            advice_a,
            DecisionRequest(
                ["5.2", "1.3", "1.1", "4.1"],
                "Verkeer in de kernen weegt voor de raad zwaarder dan jeugdoverlast.",
                "Griffier A",
                status="vastgesteld",
                gremium="raad",
                meeting_date=meeting,
            ),
        )
        advice_b = compute_advice(db, tid, ids["B"], settings)
        record_decision(
            db,
            tid,
            ids["B"],
            advice_b,
            DecisionRequest(
                ["5.2", "3.1", "1.3"],
                "Volgt de afspraak tussen de gemeenten.",
                "Griffier B",
                status="advies",
                gremium="raadscommissie",
                meeting_date=meeting,
            ),
        )
    with session_scope(engine) as db:
        files = all_documents(
            db, tid, FORMATS, ("verslag", "analyse", "ivp", "uitvoeringsplan", "gezamenlijk", "checklist")
        )
    return Joint(tid, ids, files)


def _own(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: d for n, d in files.items() if n.startswith(OWN) and not n.startswith("checklist-")}


def _problems(files: dict[str, bytes]) -> list[str]:
    """Every check of a document this engineer builds; what the writers format is in ``_writer_problems``."""
    found = []
    for name, data in files.items():
        found += app_pointers(name, data) + cover_problems(name, data) + file_problems(name, data)
        found += doubled_periods(name, data)
        found += [p for p in decimal_wholes(name, data) if not _writers_share(name, p)]
        if name.startswith(("verslag-", "gezamenlijk-ivp-")) and name.endswith((".docx", ".html")):
            found += jargon_outside_appendix(name, data)
    return found


def _writers_share(name: str, problem: str) -> bool:
    """A CSV share printed "0,0 %" by the CSV writer (csv_export.py, the writers' file)."""
    return name.endswith(".csv") and problem.rstrip("'").endswith("%")


def _writer_problems(files: dict[str, bytes]) -> list[str]:
    """What the writers format: the DOCX language (nl-NL everywhere) and shares in CSV."""
    found = []
    for name, data in files.items():
        found += [p for p in decimal_wholes(name, data) if _writers_share(name, p)]
        if name.endswith(".docx"):
            found += [f"{name}: taal {lang}" for lang in docx_languages(data) if lang != "nl-NL"]
    return found


def test_the_single_trajectory_documents_are_ready_to_send(single: dict[str, bytes]) -> None:
    kinds = {name.split("-")[0] for name in single}
    assert kinds >= {"verslag", "veiligheidsanalyse", "checklist"}, sorted(single)
    assert {n.rsplit(".", 1)[1] for n in _own(single)} == {"docx", "xlsx", "csv", "html"}
    assert _problems(_own(single)) == []


def test_the_joint_documents_are_ready_to_send(joint: Joint) -> None:
    names = sorted(joint.files)
    assert len([n for n in names if n.startswith("verslag-") and n.endswith(".docx")]) == 3
    assert [n for n in names if n.startswith("gezamenlijk-ivp-")] == [
        "gezamenlijk-ivp-2027-2030.docx",
        "gezamenlijk-ivp-2027-2030.html",
    ]
    assert _problems(_own(joint.files)) == []


def test_a_members_verslag_states_its_own_decision_beside_the_agreement(engine: Engine, joint: Joint) -> None:
    """A's raad adopted 5.2, 1.3, 1.1 and 4.1; the agreement gives A 5.2, 3.1, 1.3 and 1.1. Before, A's verslag
    said "Vastgesteld door de gemeenteraad" above the agreement's themes (with 3.1, which the raad did not
    choose)."""
    with session_scope(engine) as db:
        for key in ("A", "B"):
            own = standing_decision(db, joint.trajectory_id, joint.ids[key], joint=True)
            report = build_report(db, joint.trajectory_id, municipality_id=joint.ids[key])
            assert own is not None and [t.code for t in report.chosen] == list(own.chosen), key
        members = {m.name: m for m in member_decisions(db, joint.trajectory_id)}
    a = members["Gemeente A"]
    assert (a.only_own, a.only_agreed) == (("4.1",), ("3.1",))
    assert not members["Gemeente B"].differs and members["Gemeente C"].own == ()
    (docx,) = [
        d
        for n, d in joint.files.items()
        if n.startswith("verslag-prioritering-gemeente-a") and n.endswith(".docx")
    ]
    text = "\n".join(texts_of("a.docx", docx))
    assert "Vastgesteld door de gemeenteraad op" in text
    assert "Afspraak tussen de samenwerkende gemeenten (stap 3a):" in text
    assert "de gemeenteraad koos ook 4.1 Verkeersveiligheid, dat niet in de afspraak staat" in text
    assert "de afspraak noemt ook 3.1 Jeugdoverlast, dat de gemeenteraad niet koos" in text
    (joint_docx,) = [
        d for n, d in joint.files.items() if n.startswith("gezamenlijk-ivp-") and n.endswith(".docx")
    ]
    joint_text = "\n".join(texts_of("g.docx", joint_docx))
    assert "gekozen, niet in afspraak" in joint_text and "niet gekozen, wel in afspraak" in joint_text
    assert "Advies van de raadscommissie" in joint_text  # B's commissie gave advice: never "vastgesteld"
    # A's IVP concept lists its raad's own priorities, with the agreement and the difference beside them
    (ivp_a,) = [
        d for n, d in joint.files.items() if n.startswith("ivp-concept-gemeente-a") and n.endswith(".docx")
    ]
    priorities = _chapter(ivp_a, "Prioriteiten")
    assert (
        "4.1 Verkeersveiligheid" in priorities and "Afspraak tussen de samenwerkende gemeenten" in priorities
    )
    assert "de afspraak noemt ook 3.1 Jeugdoverlast, dat de gemeenteraad niet koos" in priorities
    # 4.1 is a priority of A's raad (outside the agreement), so the joint document never calls it going concern
    going_concern = _chapter(joint_docx, "Overige strategische thema's")
    assert going_concern and "4.1 Verkeersveiligheid" not in going_concern
    assert "5.5 Ambtelijke en bestuurlijke integriteit" in going_concern


def _chapter(docx: bytes, title: str) -> str:
    """The text of the numbered chapter whose heading holds ``title``, tables included, in reading order."""
    texts, inside = [], False
    for text in docx_in_order(docx):
        if re.match(r"^\d+ [A-Z]", text.strip()):
            inside = title in text
        elif inside:
            texts.append(text)
    return "\n".join(texts)


def test_the_checklist_points_the_coordinator_to_the_pages(joint: Joint) -> None:
    (name,) = [n for n in joint.files if n.startswith("checklist-")]
    text = joint.files[name].decode("utf-8")
    assert "pagina 'Advies en keuze'" in text  # C has no choice yet, B no vaststelling
    assert "pagina 'Gezamenlijk IVP'" in text  # A differs from the agreement
    assert "pagina 'Analyse beheren'" in text
    # the IVP concept's own parts (visie, uitgangspunten, coördinatie) are written on their own page
    assert "Integraal Veiligheidsplan (concept): Visie en strategische doelstelling (hoofdstuk 2)." in text
    assert "pagina 'Teksten voor het IVP'" in text


def test_an_export_computes_each_municipalitys_advice_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verslag, the IVP concept, the uitvoeringsplan and the checklist share one verslag model per member."""
    from ivp_core.report.documents import uitvoeringsplan, verslag_model

    built = build_trajectory(engine)
    calls: list[int | None] = []
    original = verslag_model.build_report

    def counting(db: Any, trajectory_id: int, **kwargs: Any) -> Any:
        calls.append(kwargs.get("municipality_id"))
        return original(db, trajectory_id, **kwargs)

    monkeypatch.setattr(verslag_model, "build_report", counting)
    monkeypatch.setattr(uitvoeringsplan, "build_report", counting)
    with session_scope(engine) as db:
        files = all_documents(
            db, built.trajectory_id, ("html",), ("verslag", "ivp", "uitvoeringsplan", "checklist")
        )
    assert any(name.startswith("checklist-") for name in files)
    assert len(calls) == len(set(calls)) and len(calls) >= 1


def test_a_choice_without_session_advice_says_so(engine: Engine) -> None:
    """A paper session: recorded without an advice from the app, stored with advice == {} and settings == {}."""
    built = build_trajectory(engine)
    with session_scope(engine) as db:
        town = db.scalars(select(Municipality).where(Municipality.name == "Testdorp")).one()
        request = DecisionRequest(
            ["1.3", "4.1", "5.2"], "Op papier gestemd in de raadsvergadering.", "Griffier",
            status="vastgesteld", gremium="raad", meeting_date=local_today(),
        )  # fmt: skip
        record_decision(db, built.trajectory_id, town.id, None, request)
        assert db.scalars(select(PriorityDecision).order_by(PriorityDecision.id.desc())).first().advice == {}
    with session_scope(engine) as db:
        report = build_report(db, built.trajectory_id)
        files = all_documents(db, built.trajectory_id, ("docx",), ("verslag",))
    assert report.without_app_advice and report.deviations == ()
    (docx,) = files.values()
    text = "\n".join(texts_of("v.docx", docx))
    assert "geen advies uit de stemming in de sessies" in text
    assert STANDING_RULE_NL in text  # the rule, in the decision engineer's sentence


def test_after_the_merge_the_ivp_and_the_uitvoeringsplan(single: dict[str, bytes], joint: Joint) -> None:
    """The documents method-texts builds pass the same checks once their work is merged."""
    others = {n: d for files in (single, joint.files) for n, d in files.items() if n.startswith(OTHERS)}
    assert others, "no IVP concept or uitvoeringsplan rendered"
    assert _problems(others) == []


def test_after_the_merge_the_headline_is_all_crime_per_1000(single: dict[str, bytes]) -> None:
    (ivp,) = [d for n, d in single.items() if n.startswith("ivp-concept-") and n.endswith(".docx")]
    expected = f"{TOTAL_CRIME / INHABITANTS * 1000:.0f}"  # 46 per 1.000
    assert headline_problems("ivp-concept.docx", ivp, expected) == []


def test_after_the_merge_the_writers_format(single: dict[str, bytes], joint: Joint) -> None:
    assert _writer_problems({**single, **joint.files}) == []


def test_the_cycle_documents_are_ready_to_send(engine: Engine, joint: Joint, tmp_path: Any) -> None:
    """The voortgangsrapportage (DOCX, XLSX, HTML) and the yearly uitvoeringsplan (DOCX, HTML) under the same
    checks as the other documents: of a single trajectory made from nothing and measured two years (one by
    import, one by hand, with actions), and of every member of the joint trajectory, a plan whose
    indicators a member has and another has not."""
    from ivp_core.plan.progress import NewIndicator, add_indicator
    from ivp_core.report.files import cycle_files
    from tests.cycle.seed import seed_cycle

    seeded = seed_cycle(engine, tmp_path)
    with session_scope(engine, readonly=True) as db:
        member_a = db.get(Municipality, joint.ids["A"])
        trajectory = db.get(Trajectory, joint.trajectory_id)
        assert member_a is not None and trajectory is not None
        code_a, end = member_a.cbs_code, trajectory.period_end
    add_indicator(
        NewIndicator(
            joint.trajectory_id, "5.2", "Meldingen ondermijning", "Gemeente, eigen registratie",
            local_today().year - 1, "14", end, "20", municipality_code=code_a,
        )
    )  # fmt: skip
    files: dict[str, bytes] = {}
    with session_scope(engine, readonly=True) as db:
        for tid in (seeded.trajectory_id, joint.trajectory_id):
            for kind in ("voortgang", "jaarplan"):
                files.update(cycle_files(db, tid, kind))
    assert {n.rsplit(".", 1)[1] for n in files if n.startswith("voortgangsrapportage-")} == {
        "docx",
        "xlsx",
        "html",
    }
    assert {n.rsplit(".", 1)[1] for n in files if n.startswith("uitvoeringsplan-")} == {"docx", "html"}
    assert (
        len({n.split(".")[0] for n in files if n.startswith("voortgangsrapportage-")}) == 4
    )  # 1 + 3 members
    found = _problems(files) + _writer_problems(files)
    for name, data in files.items():
        if name.endswith((".docx", ".html")):
            found += jargon_outside_appendix(name, data)
    assert found == []
    if SOFFICE and PDFTOTEXT:  # the rendered pages: no word split inside a table cell
        assert broken_words({n: d for n, d in files.items() if n.endswith(".docx")}) == {}


def test_a_choice_made_on_paper_never_says_no_session_was_held(engine: Engine) -> None:
    """A trajectory whose sessions were all held on paper: the raad's vaststelling is the only record. The
    verslag says the choice was made outside the voting, never "geen sessies gehouden" or "nog geen
    stemformulieren" (which a griffier reads as: the sessions are still to come)."""
    world = build_world_without_votes(engine)
    request = DecisionRequest(
        ["1.3", "4.1", "3.1"], "", "Griffier", status="vastgesteld", gremium="raad",
        meeting_date=local_today() - timedelta(days=30),
    )  # fmt: skip
    with session_scope(engine) as db:
        record_decision(db, world.trajectory_id, world.municipality_id, None, request)
    with session_scope(engine) as db:
        files = all_documents(db, world.trajectory_id, ("docx", "html"), ("verslag",))
    for name, data in files.items():
        text = " ".join(texts_of(name, data))
        assert "geen advies uit de stemming in de sessies" in text, name
        assert "geen sessies gehouden" not in text and "nog geen stemformulieren" not in text, name
        assert "terug te voeren op de opgeslagen stemmen" not in text, name
        assert "Er zijn geen stemmen opgeslagen" in text, name


def test_a_later_college_advice_is_named_beside_the_standing_vaststelling(engine: Engine) -> None:
    """The raad adopted four themes; a week later the college advised another set. The verslag states the
    vaststelling and names the college's advice as later, not replacing it (before, it was not named at all,
    so the raad never learned of it from its documents)."""
    world = build_world(engine)
    held = held_days_ago(engine, world, 30)
    today = local_today()
    records = (
        ("advies", "raadscommissie", held, ["1.3", "4.1", "1.1", "2.1"]),
        ("vastgesteld", "raad", today - timedelta(days=7), ["1.3", "4.1", "1.1", "2.1"]),
        ("advies", "college", today, ["1.3", "4.1", "2.1", "5.2"]),
    )
    with session_scope(engine) as db:
        advice = compute_advice(db, world.trajectory_id, world.municipality_id, AggregationSettings(top_k=4))
        for status, gremium, day, themes in records:
            request = DecisionRequest(
                themes, "Het college wil ondermijning erbij.", "Griffier", status=status, gremium=gremium,
                meeting_date=day,
            )  # fmt: skip
            record_decision(db, world.trajectory_id, world.municipality_id, advice, request)
    with session_scope(engine) as db:
        report = build_report(db, world.trajectory_id)
        files = all_documents(db, world.trajectory_id, ("docx",), ("verslag",))
    assert [t.code for t in report.chosen] == ["1.3", "4.1", "1.1", "2.1"]
    (docx,) = files.values()
    text = "\n".join(texts_of("v.docx", docx))
    assert f"Vastgesteld door de gemeenteraad op {long_date(today - timedelta(days=7))}" in text
    assert "Later vastgelegd; dit vervangt de vaststelling niet:" in text
    assert (
        f"Advies van het college van B en W van {long_date(today)}: 1.3 Objectieve veiligheid/veelvoorkomende "
        "en 'high impact'-criminaliteit, 4.1 Verkeersveiligheid, 2.1 Veilig winkelgebied en 5.2 "
        "Georganiseerde/ondermijnende criminaliteit"
    ) in text
    # the commission's advice before the vaststelling is history the vaststelling adopted, not named as later
    assert f"Advies van de raadscommissie van {long_date(held)}:" not in text


def test_the_checklist_names_a_theme_described_without_its_summary(engine: Engine) -> None:
    """The IVP concept's chapter 1 and its "waarom prioritair" are the analysis summaries: a theme whose
    problematiek is written but whose summary is not still leaves "[nog in te vullen]" there, so the
    checklist names it (before, a theme with any text counted as described)."""
    world = build_world(engine)
    with session_scope(engine) as db:
        db.add(
            ThemeAnalysis(
                trajectory_id=world.trajectory_id,
                municipality_id=world.municipality_id,
                theme_code="1.3",
                problem_text="Woninginbraken in de kernen.",
            )
        )
    with session_scope(engine) as db:
        files = all_documents(db, world.trajectory_id, ("docx",), ("checklist",))
    (text,) = [d.decode("utf-8") for d in files.values()]
    assert "de samenvatting (hoofdstuk 1 van het IVP-concept) ontbreekt nog voor 1 thema: 1.3." in text
    assert "Invullen op: pagina 'Analyse beheren', tab 'Teksten per thema', veld 'Samenvatting'." in text
    assert "nog niet beschreven voor 21 thema's:" in text


def test_with_its_goal_written_the_ivp_strategic_chapter_has_no_placeholder(engine: Engine) -> None:
    """Chapter 2's overarching indicators had a Streefwaarde column that always read "[nog in te vullen door
    de gemeente]": there is no place to write that value but the strategic goal itself. With the goal
    written, the chapter has nothing left to fill in by hand."""
    built = build_trajectory(engine)
    _add_total_crime(engine)
    with session_scope(engine) as db:
        db.add(
            IvpText(
                trajectory_id=built.trajectory_id,
                municipality_id=None,
                vision="Testdorp blijft veilig: in 2030 minder dan 40 misdrijven per 1.000 inwoners.",
            )
        )
    with session_scope(engine) as db:
        files = all_documents(db, built.trajectory_id, ("docx",), ("ivp",))
    (docx,) = [d for n, d in files.items() if n.startswith("ivp-concept-")]
    chapter = _chapter(docx, "Strategische doelstelling")
    assert "in 2030 minder dan 40 misdrijven per 1.000 inwoners" in chapter
    assert "46 (2024)" in chapter or "46,0 (2024)" in chapter
    assert "[nog in te vullen" not in chapter, chapter
