"""The cycle's pages in Streamlit's AppTest on the demo and on its successor: the Voortgang page without
indicators says where to set them; the overview of the next IVP shows the previous priorities with results."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ivp_core.plan.successor import create_successor
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.pages.test_smoke import facilitator_page


def test_voortgang_of_the_demo_and_the_previous_priorities_in_the_next_analysis(
    demo_engine: Engine, admin_password: str
) -> None:
    with session_scope(demo_engine, readonly=True) as db:
        demo = db.scalars(select(Trajectory)).one()
        end = demo.period_end
        demo_id = demo.id
    at = facilitator_page("pages/voortgang.py", demo_id)
    assert [m.label for m in at.metric][:2] == ["Op koers", "Achter op schema"]
    assert at.subheader  # the demo's priorities, with or without indicators

    new = create_successor(demo_id, "Volgend IVP", f"{end + 1}-{end + 4}")
    at = facilitator_page("pages/overzicht.py", new)
    assert at.expander and at.expander[0].label.startswith("Vorige prioriteiten (")
    assert at.expander[0].proto.expanded  # shown beside the new figures, not folded away
    text = " ".join(m.value for m in at.expander[0].markdown)
    assert "5.2 Georganiseerde" in text and "Geen effectindicatoren gemeten" in text
