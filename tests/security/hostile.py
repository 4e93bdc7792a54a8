"""One hostile text for every place users write: HTML, an event handler, Markdown links (javascript: and a
look-alike phishing link) and emphasis, split over paragraphs so a renderer that stops at a blank line shows."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ivp_core.analysis import texts
from ivp_core.consultation import comments, participation, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory

MARKER = "window.__ivpxss"
PAYLOAD = (
    f'<script>{MARKER}=1</script><img src=x onerror="{MARKER}=2"> '
    f"[klik hier](javascript:{MARKER}=3) **vet**\n\n"
    "[Stem opnieuw](https://stemmen.example.invalid/stem) <b>einde</b>"
)
THEME = "1.3"  # field 1, so the veld page and the presentation show it with field ?veld=1


def plant(engine: Engine) -> int:
    """Put PAYLOAD into a session title-free comment (approved) and into the analysis of THEME; returns the
    session id. Everything goes through ivp_core, as the pages would do it."""
    with session_scope(engine) as db:
        trajectory = db.scalars(
            select(Trajectory).order_by(Trajectory.id)
        ).first()  # the one the sidebar opens with
        assert trajectory is not None
        municipality_id = trajectory.municipalities[0].id
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            municipality_id=municipality_id,
            kind="raadscommissie",
            title="Commissie",
            method="points",
            themes=["1.1", THEME],
            settings={"budget": 10},
        )
        sessions.open_session(db, created.id)
        texts.update_theme_analysis(
            db,
            trajectory.id,
            municipality_id,
            THEME,
            "Coördinator",
            {"problem_text": PAYLOAD, "summary": PAYLOAD, "candidate_reason": PAYLOAD},
            candidate=True,
        )
    token = participation.new_token()
    with session_scope(engine) as db:
        participation.join(db, created.id, token)
        participation.submit_ballot(db, created.id, token, {"1.1": 4, THEME: 6})
        comment_id = comments.save_comment(db, created.id, token, THEME, PAYLOAD)
        assert comment_id is not None
        comments.set_status(db, comment_id, "goedgekeurd")
    return created.id
