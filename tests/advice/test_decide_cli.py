"""`python -m ivp_core decide` on a fresh database with a trajectory a user made: the id alone on stdout, or a
Dutch message, exit 2 and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from ivp_core.cli import main
from ivp_core.dutch import local_today, long_date
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision
from tests.advice.decision_world import build_world, held_days_ago
from tests.badinput.snapshot import assert_unchanged, take
from tests.test_cli import run_cli


def test_decide_records_an_advice_with_focus_through_the_real_entry_point(
    engine: Engine, database_url: str
) -> None:
    world = build_world(engine)
    result = run_cli(
        "decide", "--trajectory", str(world.trajectory_id), "--municipality", "GM0148",
        "--themes", "1.3,4.1,3.1", "--gremium", "raadscommissie", "--date", "2026-10-14", "--status", "advies",
        "--focus", '1.3="woninginbraken"', "--focus", "4.1=te hard rijden",
        "--reason", "De raad kiest jeugd boven 1.1.", "--by", "Griffier Jansen",
        env={"DATABASE_URL": database_url},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with session_scope(engine) as db:
        stored = db.scalars(select(PriorityDecision)).one()
        assert result.stdout.strip() == str(stored.id)
        assert stored.chosen == ["1.3", "4.1", "3.1"]
        assert (stored.gremium, stored.meeting_date, stored.status) == (
            "raadscommissie",
            date(2026, 10, 14),
            "advies",
        )
        assert stored.focus == {"1.3": "woninginbraken", "4.1": "te hard rijden"}
        assert stored.decided_by == "Griffier Jansen"
        assert stored.advice["priorities"] == ["1.3", "4.1", "1.1", "2.1"]
        assert stored.settings["resamples"] == 1000  # the page's default robustness, not a cheaper one


def test_the_raad_adopts_later_and_both_records_stay(
    engine: Engine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(engine)
    common = ["decide", "--themes", "1.3,4.1,1.1,2.1", "--by", "Griffier"]
    assert main([*common, "--gremium", "raadscommissie", "--date", "14-10-2026"]) == 0
    assert main([*common, "--gremium", "raad", "--date", "2026-11-09", "--status", "vastgesteld"]) == 0
    ids = [int(line) for line in capsys.readouterr().out.split()]
    with session_scope(engine) as db:
        rows = db.scalars(select(PriorityDecision).order_by(PriorityDecision.id)).all()
        assert [r.id for r in rows] == ids
        assert [(r.status, r.gremium) for r in rows] == [
            ("advies", "raadscommissie"),
            ("vastgesteld", "raad"),
        ]
        assert all(r.municipality_id == world.municipality_id for r in rows)


REFUSALS: list[tuple[str, list[str], str]] = [
    (
        "commission-adopts",
        ["--gremium", "raadscommissie", "--status", "vastgesteld"],
        "Alleen de gemeenteraad stelt",
    ),
    ("bad-date", ["--date", "14 oktober"], "De datum '14 oktober' is niet te lezen"),
    ("bad-focus", ["--focus", "woninginbraken"], "--focus 'woninginbraken' is niet te lezen"),
    ("focus-elsewhere", ["--focus", "5.1=ondermijning"], "maar dat thema staat niet in de keuze"),
    ("other-without-reason", ["--themes", "1.3,4.1,3.1"], "Schrijf kort op waarom"),
    ("no-date", ["--date", ""], "Vul de datum van de vergadering in"),
    ("unknown-municipality", ["--municipality", "GM0363"], "Gemeente 'GM0363' hoort niet bij traject"),
    ("unknown-trajectory", ["--trajectory", "99"], "Traject 99 bestaat niet"),
]


@pytest.mark.parametrize(("extra", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refusal_is_dutch_exit_2_and_stores_nothing(
    engine: Engine, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    build_world(engine)
    base = {"--themes": "1.3,4.1,1.1,2.1", "--gremium": "raadscommissie", "--date": "2026-10-14"}
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        base[flag] = value
    argv = ["decide", *[part for pair in base.items() for part in pair]]
    if "--focus" in base:  # append-style flag: pass it once, as given
        argv = [
            "decide",
            *[p for k, v in base.items() if k != "--focus" for p in (k, v)],
            "--focus",
            base["--focus"],
        ]
    before = take(engine)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.startswith("Fout: ")
    assert_unchanged(before, engine)


def test_a_joint_trajectory_needs_the_municipality(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build_world(engine, extra=True)
    argv = ["decide", "--themes", "1.3", "--gremium", "raad", "--date", "2026-10-14"]
    assert main(argv) == 2
    assert (
        "Geef met --municipality aan welke gemeente u bedoelt (GM0148 Dalfsen, GM0175 Ommen)"
        in capsys.readouterr().err
    )
    assert main([*argv, "--municipality", "dalfsen", "--reason", "Alleen inbraak"]) == 0
    with session_scope(engine) as db:
        stored = db.scalars(select(PriorityDecision)).one()
        assert "opdrachtregel" in stored.decided_by  # without --by the record still says who


def test_a_choice_without_votes_is_recorded_without_advice(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session held on paper: no ballots in the app, so no advice and no "you deviate" reason either."""
    from ivp_core.storage.models import Municipality
    from ivp_core.trajectory.trajectories import create_trajectory

    with session_scope(engine) as db:
        town = Municipality(name="Hardenberg", cbs_code="GM0160")
        db.add(town)
        db.flush()
        create_trajectory(db, "IVP Hardenberg", 2027, 2030, [town])
    meeting = local_today() - timedelta(days=3)
    argv = ["decide", "--themes", "1.3,5.1", "--gremium", "raad", "--status", "vastgesteld"]
    assert main([*argv, "--date", meeting.isoformat(), "--by", "Griffier"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    with session_scope(engine) as db:
        stored = db.scalars(select(PriorityDecision)).one()
        assert out.strip() == str(stored.id)
        assert (stored.advice, stored.settings) == ({}, {})
        assert (stored.chosen, stored.status, stored.meeting_date) == (["1.3", "5.1"], "vastgesteld", meeting)


def test_a_vaststelling_before_the_advice_it_adopts_is_refused(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build_world(engine)
    today = local_today()
    advice_day = today - timedelta(days=20)
    common = ["decide", "--themes", "1.3,4.1,1.1,2.1", "--by", "Griffier"]
    assert main([*common, "--gremium", "raadscommissie", "--date", advice_day.isoformat()]) == 0
    capsys.readouterr()
    before = take(engine)
    early = advice_day - timedelta(days=1)
    argv = [*common, "--gremium", "raad", "--status", "vastgesteld", "--date", early.isoformat()]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("Fout: ")
    assert f"de vroegst mogelijke datum is {long_date(advice_day)}" in err
    assert_unchanged(before, engine)
    # on the day of the advice itself the raad may adopt it
    assert main([*argv[:-1], advice_day.isoformat()]) == 0


def test_a_vaststelling_before_the_sessions_were_held_is_refused(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    held = held_days_ago(engine, build_world(engine), 5)
    before = take(engine)
    early = held - timedelta(days=30)
    argv = ["decide", "--themes", "1.3,4.1,1.1,2.1", "--gremium", "raad", "--status", "vastgesteld"]
    assert main([*argv, "--date", early.isoformat()]) == 2
    out, err = capsys.readouterr()
    assert out == "" and f"de vroegst mogelijke datum is {long_date(held)}" in err
    assert "de sessies van het advies" in err
    assert_unchanged(before, engine)
