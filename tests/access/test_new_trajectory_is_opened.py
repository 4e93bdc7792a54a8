"""A coordinator (an account, not the shared password) who makes a trajectory on Trajecten lands in it at once.

The login's roles are trusted for a few seconds between database checks (`logins.RECHECK_SECONDS`); before,
the new trajectory was chosen while the roles of that check did not hold it yet, so the sidebar dropped it
and the coordinator stayed in the old one ("Het traject is aangemaakt en gekozen", but it was not).
"""

from __future__ import annotations

from sqlalchemy import Engine

from tests.access.people import page_as, two_municipalities


def test_a_trajectory_a_coordinator_makes_is_theirs_and_open_at_once(engine: Engine) -> None:
    people = two_municipalities()
    at = page_as("coord@dalfsen.nl", "pages/trajecten.py")
    fields = {t.label: t for t in reversed(at.text_input)}  # the create form's fields come first
    fields["Titel"].input("IVP Dalfsen, herijking")
    fields["CBS-code"].input("GM0148")
    fields["Naam van de gemeente"].input("Dalfsen")
    next(b for b in at.button if b.label == "Traject aanmaken").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.caption)
    assert "IVP Dalfsen, herijking" in captions, captions
    assert people.ommen not in at.selectbox(key="ivp_trajectory_id").options
