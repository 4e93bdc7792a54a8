"""Issue 30's example on the page "Veiligheidsanalyse beheren": two coordinators, one text, no text lost.

Coordinator B opens the "Problematiek" of theme 4.1 while coordinator A saves "Versie A3"; B types "Versie B3"
and presses Opslaan. Before the fix B was told "Er was niets veranderd." and B's text was gone (the box was
redrawn from A's stored text). Now B sees both versions, A's text stays stored, and B can go on with their own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import TextRevision, ThemeAnalysis
from tests.pages.test_new_trajectory_pages import _own_trajectory
from tests.pages.test_smoke import app


def _open(name: str, theme: str = "4.1") -> AppTest:
    at = app("facilitator").run()
    at.switch_page("pages/analyse_beheer.py").run()
    at.text_input(key="ivp_author").set_value(name).run()
    at.selectbox(key="beheer_thema").set_value(theme).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _box(at: AppTest, label: str) -> str:
    return next(t for t in at.text_area if t.label == label).value


def _type_and_save(at: AppTest, label: str, text: str) -> None:
    next(t for t in at.text_area if t.label == label).set_value(text)
    next(b for b in at.button if b.label == "Opslaan").click().run()  # the theme form's Opslaan comes first
    assert not at.exception, [e.value for e in at.exception]


def _a_then_b(a_writes: tuple[str, str], b_writes: tuple[str, str]) -> tuple[AppTest, AppTest]:
    """A and B open theme 4.1; A saves, then B (who opened it before A saved) saves."""
    a, b = _open("Coördinator A"), _open("Coördinator B")
    _type_and_save(a, *a_writes)
    _type_and_save(b, *b_writes)
    return a, b


def _stored(engine: Engine, theme: str = "4.1") -> ThemeAnalysis:
    with session_scope(engine, readonly=True) as db:
        row = db.scalar(select(ThemeAnalysis).where(ThemeAnalysis.theme_code == theme))
        assert row is not None
        return row


def test_b_saving_after_a_sees_both_versions_and_keeps_both(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _own_trajectory(engine, monkeypatch)
    a, b = _open("Coördinator A"), _open("Coördinator B")  # B opens the text before A saves

    _type_and_save(a, "Problematiek", "Versie A3")
    assert any("1 wijziging(en) opgeslagen." in s.value for s in a.success)

    _type_and_save(b, "Problematiek", "Versie B3")
    assert not any("niets veranderd" in i.value for i in b.info)
    assert any("Iemand anders heeft 'Problematiek' van thema 4.1 gewijzigd" in w.value for w in b.warning)
    assert {c.value for c in b.code} >= {"Versie A3", "Versie B3"}  # both versions side by side
    assert _box(b, "Problematiek") == "Versie B3"  # B's text is still in B's box, not saved
    assert _stored(engine).problem_text == "Versie A3"  # A's text was not overwritten

    next(x for x in b.button if x.label == "Verder met mijn versie").click().run()
    assert not b.warning and _box(b, "Problematiek") == "Versie B3"
    next(x for x in b.button if x.label == "Opslaan").click().run()
    assert any("1 wijziging(en) opgeslagen." in s.value for s in b.success)
    assert _stored(engine).problem_text == "Versie B3"
    with session_scope(engine, readonly=True) as db:
        kept = [(r.author, r.new_value) for r in db.scalars(select(TextRevision).order_by(TextRevision.id))]
    assert kept == [("Coördinator A", "Versie A3"), ("Coördinator B", "Versie B3")]  # neither text lost


def test_b_can_go_on_with_the_stored_version(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _own_trajectory(engine, monkeypatch)
    _, b = _a_then_b(("Problematiek", "Versie A3"), ("Problematiek", "Versie B3"))
    next(x for x in b.button if x.label == "Verder met de opgeslagen versie").click().run()
    assert _box(b, "Problematiek") == "Versie A3"
    _type_and_save(b, "Problematiek", "Versie A3, aangevuld door B")
    assert _stored(engine).problem_text == "Versie A3, aangevuld door B"


def test_a_colleagues_other_text_is_kept_and_shown(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people writing different texts of the same theme: both saves land, no conflict, nothing redrawn away."""
    _own_trajectory(engine, monkeypatch)
    _, b = _a_then_b(("Samenvatting", "Samenvatting van A"), ("Problematiek", "Problematiek van B"))
    assert not b.warning
    row = _stored(engine)
    assert (row.summary, row.problem_text) == ("Samenvatting van A", "Problematiek van B")
    assert _box(b, "Samenvatting") == "Samenvatting van A"  # B's untouched box follows what is stored


def test_the_mapping_tab_resets_to_the_proposal_and_says_so(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _own_trajectory(engine, monkeypatch)
    at = _open("Coördinator A")
    next(b for b in at.button if b.label == "Terug naar het voorstel van het project").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Het voorstel is teruggezet; 0 opgeslagen cijfers" in s.value for s in at.success)
    next(
        b for b in at.button if b.label == "Koppeling opslaan"
    ).click().run()  # nothing edited: nothing refused
    assert not at.exception and not at.warning, [e.value for e in (*at.exception, *at.warning)]
