"""The floor's Dutch notation: moments in Amsterdam time, file-name slugs; and a panel that shows moments."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import participation
from ivp_core.dutch import file_slug, short_moment
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, BallotVoid
from tests.opinion_helpers import make_trajectory, open_session, vote


def test_a_short_moment_is_dutch_time() -> None:
    # late on a winter evening in UTC is already the next day in the Netherlands; in summer two hours ahead
    assert short_moment(datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == "07-12-2026 00:30"
    assert short_moment(datetime(2027, 7, 1, 9, 5)) == "01-07-2027 11:05"  # a stored (naive UTC) moment


def test_a_file_slug_is_plain_ascii_with_a_fallback() -> None:
    assert file_slug("Den Haag") == "den-haag"
    assert file_slug("  Súdwest-Fryslân ") == "s-dwest-frysl-n"
    assert file_slug("!!!") == "gemeente"
    assert file_slug("", empty="traject") == "traject"


def _voids_panel(session_id: int) -> None:
    from ivp_core.consultation import sessions
    from ivp_core.storage.db import session_scope
    from ui.widgets import participation_panel

    with session_scope(readonly=True) as db:
        info = sessions.get_session(db, session_id)
    assert info is not None
    participation_panel._voids(info)


def test_the_void_panel_shows_moments_in_dutch_time(engine: Engine) -> None:
    """A defect fixed: the panel showed a ballot's time and a void's moment in UTC (an hour early in winter)."""
    info = open_session(engine, make_trajectory(engine))
    vote(engine, info.id, {"1.1": 6, "1.3": 4})
    second = vote(engine, info.id, {"1.1": 2, "1.3": 8})
    evening = datetime(2026, 12, 6, 23, 30)  # UTC, as stored
    with session_scope(engine) as db:
        db.execute(update(Ballot).where(Ballot.session_id == info.id).values(submitted_at=evening))
        label = participation.ballots_for_void(db, info.id)[0].participant_label
        participation.void_ballot(db, info.id, label, "twee keer gestemd", by="begeleider")
        db.execute(update(BallotVoid).where(BallotVoid.session_id == info.id).values(voided_at=evening))
    assert second

    at = AppTest.from_function(_voids_panel, args=(info.id,), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.text] == [f"Ongeldig: {label} (07-12-2026 00:30): twee keer gestemd"]
    choice = at.selectbox[0]
    assert choice.options and all(option.endswith("00:30:00") for option in choice.options), choice.options


def test_a_trajectory_name_gets_its_period_only_when_it_does_not_say_it() -> None:
    from ivp_core.dutch import name_with_period

    assert name_with_period("IVP Dalfsen 2027-2030", 2027, 2030) == "IVP Dalfsen 2027-2030"
    assert name_with_period("IVP Dalfsen", 2027, 2030) == "IVP Dalfsen 2027–2030"
    assert name_with_period("IVP Dalfsen 2027", 2027, 2030) == "IVP Dalfsen 2027 2027–2030"
