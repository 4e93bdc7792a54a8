"""The analysis pages on the demo: overview, field page, presentation mode and the facilitator's page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.catalogue import load_catalogue
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import TextRevision, ThemeAnalysis

ROOT = Path(__file__).resolve().parents[2]


def _app(page: str, role: str | None = None, veld: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["ivp_role"] = role
    at.run()
    if veld:
        at.query_params["veld"] = veld
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_overview_shows_all_22_themes_with_signals(demo_engine: Engine) -> None:
    at = _app("pages/overzicht.py")
    text = _html(at)
    for theme in load_catalogue().themes:
        assert f">{theme.code} " in text, theme.code
    assert text.count("kandidaat-prioriteit") >= 3
    assert "nog geen cijfers" not in text  # every demo theme has figures
    assert "stijgend" in text and "Nederland" in text


def test_field_page_shows_charts_texts_and_priorities(demo_engine: Engine) -> None:
    at = _app("pages/veld.py", veld="2")
    assert at.title[0].value.startswith("2. Bedrijvigheid")
    headers = [h.value for h in at.header]
    assert any(h.startswith("2.1 ") for h in headers) and "Mogelijke prioriteiten in dit veld" in headers
    assert len(at.get("vega_lite_chart")) >= 5
    captions = " ".join(c.value for c in at.caption)
    assert "bron:" in captions and "per 1.000 inwoners" in captions and "2020–2024" in captions
    subheaders = [s.value for s in at.subheader]
    assert subheaders.count("Huidige aanpak") == 5 and subheaders.count("Extra?") == 5


def test_field_one_uses_the_six_aspects(demo_engine: Engine) -> None:
    at = _app("pages/veld.py", veld="1")
    # A theme's own "Huidige aanpak" shows only where one was typed (issue 27; tests/pages/test_council_forms.py).
    text = " ".join(m.value for m in at.markdown)
    for aspect in load_catalogue().approach_aspects_field1:
        assert f"{aspect.code}. {aspect.name}" in text
    # Both answers of the method per aspect: what happens now, and what could be added.
    captions = [c.value for c in at.caption]
    assert captions.count("Huidige aanpak") == 6 and captions.count("Extra?") == 6
    texts = [t.value for t in at.text]
    assert any(t.startswith("Een wijkveiligheidsplan ook voor Oosterhof") for t in texts)
    assert "Nog geen mogelijke versterkingen genoemd." not in text  # the demo fills every aspect's extra


def test_presentation_has_no_editing_controls_and_steps_through_fields(demo_engine: Engine) -> None:
    at = _app("pages/presentatie.py", veld="4")
    assert "4. Fysieke veiligheid" in _html(at)
    assert not at.text_area and not at.text_input and not at.checkbox and not at.get("file_uploader")
    next_button = next(b for b in at.button if "Volgende" in b.label)
    next_button.click().run()
    assert "5. Integriteit en veiligheid" in _html(at)
    next(b for b in at.button if "Volgende" in b.label).click().run()
    assert "1. Veilige woon- en leefomgeving" in _html(at)  # wraps around
    next(b for b in at.button if "Vorige" in b.label).click().run()
    assert "5. Integriteit en veiligheid" in _html(at)
    assert at.query_params["veld"] == ["5"] or at.query_params["veld"] == "5"


def test_facilitator_edits_a_text_and_the_history_shows_it(demo_engine: Engine) -> None:
    at = _app("pages/analyse_beheer.py", role="facilitator")
    at.text_input(key="ivp_author").set_value("Griffier Jansen").run()
    problem = next(t for t in at.text_area if t.label == "Problematiek")
    problem.set_value("Nieuwe tekst over sociale kwaliteit.")
    at.button[0].click().run()  # the form's Opslaan
    assert not at.exception, [e.value for e in at.exception]
    assert any("opgeslagen" in s.value for s in at.success)
    with session_scope(demo_engine) as session:
        row = session.scalar(select(ThemeAnalysis).where(ThemeAnalysis.theme_code == "1.1"))
        assert row is not None and row.problem_text == "Nieuwe tekst over sociale kwaliteit."
        revision = session.scalars(select(TextRevision)).one()
        assert (revision.author, revision.target, revision.attribute) == (
            "Griffier Jansen",
            "theme:1.1",
            "problem_text",
        )


def test_facilitator_page_shows_the_mapping_as_the_projects_proposal(demo_engine: Engine) -> None:
    at = _app("pages/analyse_beheer.py", role="facilitator")
    assert any("voorstel van dit project" in i.value for i in at.info)
