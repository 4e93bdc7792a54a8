"""Stap 3a: a joint trajectory of three municipalities, checked against a hand-worked example.

Each municipality (A, B, C) holds one closed council session with the points method (budget 36) on the
same eight themes, and one member spends 8, 7, 6, 5, 4, 3, 2, 1 points, so the local ranks are simply the
order of the points. k = 4, n = 3, quorum q = ⌈2·3/3⌉ = 2.

    rank   A      B      C
    1      5.2    4.1    5.2
    2      1.3    5.2    3.1
    3      3.1    1.3    1.4
    4      1.1    2.1    1.2      <- local top 4 ends here
    5      4.1    3.1    4.1
    6      1.2    1.1    1.3
    7      2.1    1.2    1.1
    8      1.4    1.4    2.1

    theme  high in   count  ranks (A,B,C)  mean    spread  status
    5.2    A,B,C     3      1,2,1          1.33    1       shared (3 >= q)
    3.1    A,C       2      3,5,2          3.33    3       shared (2 >= q)
    1.3    A,B       2      2,3,6          3.67    4       shared (2 >= q)
    4.1    B         1      5,1,5          3.67    4       shared (mean 3.67 <= k = 4)
    1.1    A         1      4,6,7          5.67    3       local A
    2.1    B         1      7,4,8          6.33    4       local B
    1.2    C         1      6,7,4          5.67    3       local C
    1.4    C         1      8,8,3          6.33    5       local C

Shared in order (count desc, mean asc): 5.2, 3.1, 1.3, 4.1. Local: A = (1.1), B = (2.1), C = (1.2, 1.4)
(1.2 first: lower mean). The 14 themes nobody scored are going concern.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from ivp_core.advice.aggregate import AggregationSettings
from ivp_core.advice.decision import DecisionRequest, record_decision
from ivp_core.advice.results import compute_advice
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import participation, sessions
from ivp_core.plan.joint import LocalResult, combine, joint_view, quorum
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory
from ivp_core.trajectory.trajectories import create_trajectory

THEMES = ("1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "4.1", "5.2")
ORDERS = {
    "A": ("5.2", "1.3", "3.1", "1.1", "4.1", "1.2", "2.1", "1.4"),
    "B": ("4.1", "5.2", "1.3", "2.1", "3.1", "1.1", "1.2", "1.4"),
    "C": ("5.2", "3.1", "1.4", "1.2", "4.1", "1.3", "1.1", "2.1"),
}


def build_joint(engine: Engine) -> tuple[int, dict[str, int]]:
    with session_scope(engine) as db:
        members = {
            key: Municipality(name=f"Gemeente {key}", cbs_code=f"GM999{i}", fictitious=True)
            for i, key in enumerate(ORDERS)
        }
        db.add_all(members.values())
        db.flush()
        trajectory = create_trajectory(
            db, "Gezamenlijk IVP", 2027, 2030, list(members.values()), fictitious=True
        )
        for key, order in ORDERS.items():
            created = sessions.create_session(
                db,
                trajectory_id=trajectory.id,
                municipality_id=members[key].id,
                kind="raadscommissie",
                group="raad",
                title=f"Raad {key}",
                method="points",
                settings={"budget": 36},
                themes=list(THEMES),
            )
            sessions.open_session(db, created.id)
            token = participation.new_token()
            participation.join(db, created.id, token)
            participation.submit_ballot(db, created.id, token, {t: 8 - i for i, t in enumerate(order)})
            sessions.close_session(db, created.id)
        return trajectory.id, {k: m.id for k, m in members.items()}


def test_hand_worked_example(engine: Engine) -> None:
    tid, ids = build_joint(engine)
    with session_scope(engine) as db:
        joint = joint_view(db, tid, top_k=4)
    assert joint.quorum == 2
    assert [m.municipality_id for m in joint.municipalities] == [ids["A"], ids["B"], ids["C"]]
    assert all(m.basis == "advies" for m in joint.municipalities)
    for key, order in ORDERS.items():
        local = next(m for m in joint.municipalities if m.municipality_id == ids[key])
        assert local.ranks == {t: i + 1 for i, t in enumerate(order)}
        assert set(local.top) == set(order[:4])
    assert joint.shared == ("5.2", "3.1", "1.3", "4.1")
    assert joint.local == {ids["A"]: ("1.1",), ids["B"]: ("2.1",), ids["C"]: ("1.2", "1.4")}
    assert set(joint.going_concern) == set(load_catalogue().theme_codes) - set(THEMES)
    assert joint.theme("4.1").high_in == (ids["B"],)
    assert joint.theme("4.1").mean_rank == pytest.approx(11 / 3)
    assert joint.theme("1.4").spread == 5
    assert joint.theme("5.2").agreement == "eensgezind"
    assert joint.theme("1.1").mean_rank == pytest.approx(17 / 3)
    assert joint.theme("2.2").ranks == {ids["A"]: None, ids["B"]: None, ids["C"]: None}
    assert joint.warnings == ()


def test_a_recorded_choice_replaces_the_advice(engine: Engine) -> None:
    """C's council chooses 1.3 instead of 1.2: 1.3 is then high in all three, 1.2 no longer local."""
    tid, ids = build_joint(engine)
    with session_scope(engine) as db:
        advice = compute_advice(db, tid, ids["C"], AggregationSettings(top_k=4, resamples=0))
        request = DecisionRequest(
            ["5.2", "3.1", "1.4", "1.3"], "Inbraken in de kern", "Griffier", meeting_date=date(2026, 10, 14)
        )
        record_decision(db, tid, ids["C"], advice, request)
    with session_scope(engine) as db:
        joint = joint_view(db, tid)
    c = next(m for m in joint.municipalities if m.municipality_id == ids["C"])
    assert c.basis == "keuze"
    assert joint.theme("1.3").high_in == (ids["A"], ids["B"], ids["C"])
    assert joint.shared[:2] == ("5.2", "1.3")
    assert joint.local[ids["C"]] == ("1.4",)
    assert joint.theme("1.2").status == "overig"


def test_a_municipality_without_sessions_is_named_and_left_out(engine: Engine) -> None:
    tid, _ = build_joint(engine)
    with session_scope(engine) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        trajectory.municipalities.append(Municipality(name="Gemeente D", cbs_code="GM9990", fictitious=True))
    with session_scope(engine) as db:
        joint = joint_view(db, tid)
    assert [m.name for m in joint.missing] == ["Gemeente D"]
    assert joint.quorum == 2  # still three municipalities with a result
    assert any("Gemeente D" in w for w in joint.warnings)


@pytest.mark.parametrize(("n", "q"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4)])
def test_quorum_is_two_thirds_rounded_up(n: int, q: int) -> None:
    assert quorum(n) == q


def test_boundary_ties_count_as_high_and_unscored_never() -> None:
    """A's advice holds five themes (tied at place 4); B did not score 2.1 at all."""
    a = LocalResult(
        1,
        "A",
        {"1.1": 1, "1.2": 2, "1.3": 3, "1.4": 4, "2.1": 4, "3.1": 6},
        ("1.1", "1.2", "1.3", "1.4", "2.1"),
    )
    b = LocalResult(2, "B", {"1.1": 1, "1.2": 2, "3.1": 3, "1.3": 4, "1.4": 5}, ("1.1", "1.2", "3.1", "1.3"))
    joint = combine([a, b], ("1.1", "1.2", "1.3", "1.4", "2.1", "3.1"), top_k=4)
    assert joint.quorum == 2
    assert joint.shared == ("1.1", "1.2", "1.3")
    # 1.4: high only in A, mean (4 + 5) / 2 = 4.5 > 4; 2.1: high in A by the tie, unscored in B (no mean).
    assert joint.local == {1: ("1.4", "2.1"), 2: ("3.1",)}
    assert joint.theme("2.1").mean_rank is None
    assert joint.theme("2.1").ranks == {1: 4, 2: None}


def test_the_report_has_a_shared_part_a_part_per_municipality_and_the_indicators(engine: Engine) -> None:
    from ivp_core.plan.indicators import IndicatorInput, save_indicator
    from ivp_core.report.blocks import Bullets, Heading, TableBlock
    from ivp_core.report.documents.verslag import document_blocks
    from ivp_core.report.documents.verslag_model import build_report

    tid, ids = build_joint(engine)
    with session_scope(engine) as db:
        spec = IndicatorInput("5.2", "Signalen ondermijning", "RIEC", "objectief", 2024, "27", 2030, "20")
        save_indicator(db, tid, ids["C"], spec)
    with session_scope(engine) as db:
        report = build_report(db, tid, municipality_id=ids["C"])
        report_a = build_report(db, tid, municipality_id=ids["A"])
    assert report.joint is not None and report.municipality == "Gemeente C"
    assert report_a.effect_indicators == ()  # one report per municipality: C's indicators stay in C's
    catalogue = load_catalogue()

    def labels(*codes: str) -> tuple[str, ...]:
        return tuple(f"{c} {catalogue.theme(c).name}" for c in codes)

    assert report.joint.shared == labels("5.2", "3.1", "1.3", "4.1")
    assert [(name, themes) for name, _basis, themes in report.joint.local] == [
        ("Gemeente A", labels("1.1")),
        ("Gemeente B", labels("2.1")),
        ("Gemeente C", labels("1.2", "1.4")),
    ]
    assert [(r.municipality, r.target_value) for r in report.effect_indicators] == [("Gemeente C", 20.0)]
    blocks = document_blocks(report)
    headings = [b.text for b in blocks if isinstance(b, Heading)]
    assert any(h.endswith("Gezamenlijk IVP: samen waar het kan, lokaal waar het moet") for h in headings)
    assert "Lokaal-specifiek: Gemeente C" in headings
    assert any(h.endswith("Effectindicatoren en streefwaarden") for h in headings)
    assert Bullets(report.joint.shared) in blocks
    table = next(b for b in blocks if isinstance(b, TableBlock) and b.header[0] == "Gemeente")
    assert table.rows[0][:2] == ("Gemeente C", labels("5.2")[0])


def test_the_agreed_sets_are_recorded_warned_and_written_per_municipality(engine: Engine) -> None:
    from ivp_core.plan.joint import JointChoiceError, agreed_sets, record_joint_choice, too_many_warnings
    from ivp_core.report.blocks import Bullets, Paragraph
    from ivp_core.report.documents.verslag import document_blocks
    from ivp_core.report.documents.verslag_model import build_report
    from ivp_core.storage.models import AgendaInput, JointChoice

    tid, ids = build_joint(engine)
    with session_scope(engine) as db:
        db.add(
            AgendaInput(
                trajectory_id=tid, source="politie", theme_code="5.2", text="Ondermijning in het buitengebied"
            )
        )
    for shared, local, message in (
        (["1.3"], {ids["A"]: ["1.3"]}, "zowel gezamenlijk als lokaal"),
        (["9.9"], {}, "Onbekende thema's: 9.9"),
        ([], {}, "minstens één"),
    ):
        with pytest.raises(JointChoiceError, match=message), session_scope(engine) as db:
            record_joint_choice(db, tid, shared, local)
    with session_scope(engine) as db:
        assert db.scalars(select(JointChoice)).first() is None  # nothing half-written
        sets = record_joint_choice(
            db, tid, ["5.2", "3.1", "1.3"], {ids["A"]: ["1.1", "1.2"], ids["C"]: ["1.4"]}
        )
        names = {ids[k]: f"Gemeente {k}" for k in ids}
        assert too_many_warnings(sets, names) == [
            "Gemeente A heeft 5 prioriteiten (3 gezamenlijk, 2 lokaal); de methode adviseert er hoogstens 4."
        ]
    with session_scope(engine) as db:
        assert agreed_sets(db, tid).local == {ids["A"]: ("1.1", "1.2"), ids["C"]: ("1.4",)}
        report = build_report(db, tid, municipality_id=ids["C"])
    # C's report: the shared part named as such, then C's own; not A's or B's
    assert [t.code for t in report.chosen] == ["5.2", "3.1", "1.3", "1.4"]
    assert [t.shared for t in report.chosen] == [True, True, True, False]
    blocks = document_blocks(report)
    bullets = [i for b in blocks if isinstance(b, Bullets) for i in b.items]
    assert any(i.startswith("5.2 ") and i.endswith("– gezamenlijke prioriteit") for i in bullets)
    assert any(i.startswith("1.4 ") and "gezamenlijk" not in i for i in bullets)
    assert any("5.2 " in i and "Ondermijning in het buitengebied" in i for i in bullets)  # the police unit
    notes = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert any("Gemeente A heeft 5 prioriteiten" in t for t in notes)
    assert any(t.startswith("Gemeente C: ") for t in notes)  # p1 names the municipality


def test_a_members_own_decision_stands_beside_the_agreement(engine: Engine) -> None:
    """The agreement never replaces a member's own record: A's raad adopted 4.1 instead of the agreed 3.1."""
    from ivp_core.dutch import local_today, long_date
    from ivp_core.plan.joint import member_decisions, record_joint_choice
    from ivp_core.report.documents.verslag_model import build_report

    tid, ids = build_joint(engine)
    with session_scope(engine) as db:
        record_joint_choice(db, tid, ["5.2", "3.1", "1.3"], {ids["A"]: ["1.1"]})
        advice = compute_advice(db, tid, ids["A"], AggregationSettings(top_k=4, resamples=0))
        request = DecisionRequest(
            ["5.2", "1.3", "1.1", "4.1"], "Verkeer", "Griffier", status="vastgesteld", gremium="raad",
            meeting_date=local_today(),
        )  # fmt: skip
        record_decision(db, tid, ids["A"], advice, request)
    with session_scope(engine) as db:
        a, b, _c = member_decisions(db, tid)
        report = build_report(db, tid, municipality_id=ids["A"])
    assert a.own == ("5.2", "1.3", "1.1", "4.1") and a.agreed == ("5.2", "3.1", "1.3", "1.1")
    assert (a.only_own, a.only_agreed, a.differs) == (("4.1",), ("3.1",), True)
    assert a.difference_text() == (
        "Verschil tussen de eigen keuze van Gemeente A en de afspraak: de gemeenteraad koos ook "
        "4.1 Verkeersveiligheid, dat niet in de afspraak staat; de afspraak noemt ook 3.1 Jeugdoverlast, "
        "dat de gemeenteraad niet koos."
    )
    assert b.own == () and not b.differs and b.difference_summary() == "–"
    assert [t.code for t in report.chosen] == ["5.2", "1.3", "1.1", "4.1"]  # before: the agreement's themes
    assert report.decision_line == f"Vastgesteld door de gemeenteraad op {long_date(local_today())}"
    assert report.member == a
