"""Issue 29: the overview, the field page and the veiligheidsanalyse show the comparison with similar
municipalities for a trajectory made from nothing (IVP_NO_DEMO=1), with the group, its size, the year, the
pooled rule and the verdict; a small own group carries the warning. Issue 27: a card's theme name wraps at a
slash or a compound's seam, never mid-syllable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.analysis.comparison.compute import compare
from ivp_core.analysis.comparison.page import choose_own_group
from ivp_core.analysis.comparison.store import import_comparison
from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
from ivp_core.storage.db import session_scope
from ivp_core.trajectory import manage
from ivp_core.trajectory.cli import municipality_inputs
from tests.analysis.comparison.country import OWN, write_crime_file, write_population_file
from tests.pages.test_analysis_pages import _app

ROOT = Path(__file__).resolve().parents[3]


def _own_trajectory_with_comparison(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    data = manage.TrajectoryInput(
        "IVP Dalfsen", "2027-2030", municipality_inputs([f"{OWN}=Dalfsen"], [f"{OWN}:2024=29000"], [])
    )
    crime, population = tmp_path / "47013NED.csv", tmp_path / "bevolking.csv"
    write_crime_file(crime)
    write_population_file(population)
    with session_scope(engine) as db:
        tid = manage.create(db, data, author="test")
    for path in (crime, population):
        with session_scope(engine) as db:
            import_comparison(db, tid, path.name, path)
    return tid


def test_overview_and_field_page_show_the_group_and_the_verdict(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = _own_trajectory_with_comparison(engine, tmp_path, monkeypatch)
    with session_scope(engine) as db:
        expected = compare(db, tid, OWN)
    verdict = next(t for t in expected.themes if t.verdict is not None)

    at = _app("pages/overzicht.py")
    cards = " ".join(m.value for m in at.markdown)
    assert cards.count('<span class="ivp-lbl">Groep</span>') == len(expected.themes)
    assert f">{verdict.verdict}</span>" in cards

    def one(value: float | None) -> str:
        return "onbekend" if value is None else f"{value:.1f}".replace(".", ",")

    for row in expected.themes:  # the numbers behind each verdict are on the card, not only in its tooltip
        rates = f"hier {one(row.own_per_1000)} · groep {one(row.group_per_1000)} · NL {one(row.national_per_1000)}"
        assert f'<div class="ivp-rates">{rates}</div>' in cards, rates
    assert (
        "Polarisatie/<wbr>radicalisering" in cards
        and "bedrijven&shy;terreinen" in cards
        and "word-break:normal" in cards
    )
    captions = " ".join(c.value for c in at.caption)
    assert f"gemeenten met 20.000 tot 50.000 inwoners ({len(expected.members)} gemeenten, 2023)" in captions
    assert "gepoold" in captions and "hoger / gelijk / lager dan vergelijkbare gemeenten" in captions
    assert "Onder Groep staan de misdrijven per 1.000 inwoners: hier (de gemeente zelf)" in captions

    at = _app("pages/veld.py", veld="1")
    text = " ".join(m.value for m in at.markdown)
    assert "2023: " in text and "per 1.000 inwoners; vergelijkbare gemeenten" in text
    assert "vergelijkbare gemeenten." in text  # "Dat is hoger dan / gelijk aan / lager dan …"
    # the themes without own series: not "geen cijfers" right under the comparison's rate
    captions = " ".join(c.value for c in at.caption)
    assert "nog geen cijfers geladen" not in captions and "nog geen eigen cijfers over de jaren" in captions


def test_a_small_own_group_is_shown_with_the_warning_and_the_document_says_the_rule(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = _own_trajectory_with_comparison(engine, tmp_path, monkeypatch)
    assert choose_own_group(tid, ["GM0001", "GM0063"]) == ["GM0001", "GM0063"]
    with session_scope(engine) as db:
        small = compare(db, tid, OWN, group="eigen")
        document = build_analysis_document(db, tid)
    assert small.small_group and len(small.members) == 3
    text = " ".join(str(block) for block in document.blocks)
    assert "Vergelijking met vergelijkbare gemeenten" in text
    # a theme with only the comparison's figure: not "geen cijfers" right above the comparison's rate
    assert "zijn geen cijfers beschikbaar" not in text and "geen eigen cijfers over de jaren" in text
    assert "gepoold" in text and "gemeenten met 20.000 tot 50.000 inwoners" in text
    assert "hoger dan vergelijkbare gemeenten" in text or "lager dan vergelijkbare gemeenten" in text


def test_a_chart_caption_counts_one_crime_type_in_the_singular() -> None:
    """Issue 27: "som van 1 misdrijfsoorten" under a chart of a theme with one crime type."""
    from ivp_core.analysis.figures import PER_1000, Point, Series, SeriesPair
    from ui.widgets.charts import caption

    def pair(parts: tuple[str, ...]) -> SeriesPair:
        series = Series("5.1", "Geregistreerde misdrijven", "Politie", "objectief", PER_1000, "aantal", OWN,
                        (Point(2023, 1.0, 30.0),), False, parts)  # fmt: skip
        return SeriesPair(series, None)

    assert caption(pair(("3.7.1",))).endswith("som van 1 misdrijfsoort")
    assert caption(pair(("1.1.1", "1.1.2"))).endswith("som van 2 misdrijfsoorten")


def test_the_resident_ballot_says_the_comparison_in_plain_words(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.opinion_helpers import open_session
    from ui.widgets.vote_page_text import evidence_by_theme

    tid = _own_trajectory_with_comparison(engine, tmp_path, monkeypatch)
    with session_scope(engine) as db:
        expected = compare(db, tid, OWN)
    shown = next(t for t in expected.themes if t.verdict is not None)
    session = open_session(engine, tid, kind="inwonersconsultatie", themes=(shown.theme_code, "3.4"))
    # as a reader sees it: without the Markdown escapes and soft hyphens of plain_markdown
    texts = {k: v.replace("\xad", "").replace("\\", "") for k, v in evidence_by_theme(session).items()}
    own = f"{shown.own_per_1000:.1f}".replace(".", ",")
    assert (
        f"In 2023 registreerde de politie hier {own} misdrijven per 1.000 inwoners."
        in texts[shown.theme_code]
    )
    assert f"In {shown.group_size} gemeenten van ongeveer dezelfde grootte samen" in texts[shown.theme_code]
    assert {"hoger": "Dat is meer.", "gelijk": "Dat is ongeveer even veel.", "lager": "Dat is minder."}[
        shown.verdict or ""
    ] in texts[shown.theme_code]
    national = f"{shown.national_per_1000:.1f}".replace(".", ",")
    assert f"In heel Nederland waren het er {national}." in texts[shown.theme_code]
    assert "per 1.000" not in texts["3.4"]  # no police theme: no comparison


def test_the_coordinator_chooses_the_own_group_and_the_field_page_compares_with_it(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, admin_password: str
) -> None:
    tid = _own_trajectory_with_comparison(engine, tmp_path, monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/analyse_beheer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Vergelijken met vergelijkbare gemeenten" in m.value for m in at.markdown)
    group = next(m for m in at.multiselect if m.label.startswith("Eigen vergelijkingsgroep"))
    assert group.placeholder == "Kies gemeenten"  # not Streamlit's "Choose options"
    group.set_value(["GM0001", "GM0063", "GM0094", "GM0125", "GM0156"])
    next(b for b in at.button if b.label == "Groep bewaren").click().run()
    assert any("telt nu 5 gemeenten" in s.value for s in at.success)
    with session_scope(engine) as db:
        assert len(compare(db, tid, OWN, group="eigen").members) == 6

    at.switch_page("pages/veld.py").run()
    at.segmented_control(key="ivp_vergelijkingsgroep").set_value("eigen").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "eigen lijst van gemeenten (6 gemeenten, 2023)" in captions


def test_a_joint_trajectory_compares_each_member_and_its_own_group_is_the_partners(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivp_core.analysis.comparison.page import comparison_for
    from ivp_core.analysis.overview_page import load_analysis_page
    from ivp_core.storage.models import Trajectory

    monkeypatch.setenv("IVP_NO_DEMO", "1")
    data = manage.TrajectoryInput(
        "IVP Dalfsen en buren",
        "2027-2030",
        municipality_inputs([f"{OWN}=Dalfsen", "GM0001=Buurgemeente"], [], []),
    )
    crime, population = tmp_path / "47013NED.csv", tmp_path / "bevolking.csv"
    write_crime_file(crime)
    write_population_file(population)
    with session_scope(engine) as db:
        tid = manage.create(db, data, author="test")
    for path in (crime, population):
        with session_scope(engine) as db:
            import_comparison(db, tid, path.name, path)
    with session_scope(engine) as db:
        partners = compare(db, tid, OWN, group="eigen")
        other = comparison_for(db, tid, "GM0001")
        members = {m.cbs_code: m.id for m in db.get(Trajectory, tid).municipalities}
    assert partners.members == ("GM0001", OWN) and partners.small_group
    assert other.available and other.group_name == "gemeenten met minder dan 5.000 inwoners"
    page = load_analysis_page(tid, members["GM0001"])
    assert page.comparison.group_name == other.group_name and page.region_code == "GM0001"


def test_a_mapping_changed_after_the_import_is_said_until_the_file_is_imported_again(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivp_core.analysis.comparison.page import comparison_for
    from ivp_core.analysis.importers.mapping import update_mapping

    tid = _own_trajectory_with_comparison(engine, tmp_path, monkeypatch)
    with session_scope(engine) as db:
        assert comparison_for(db, tid, OWN).mapping_warning == ""
        update_mapping(db, "3.7.4", "5.4")  # cybercrime into informatieveiligheid
    with session_scope(engine) as db:
        assert (
            "Importeer het bestand met alle gemeenten opnieuw" in comparison_for(db, tid, OWN).mapping_warning
        )
        import_comparison(db, tid, "47013NED.csv", tmp_path / "47013NED.csv")
    with session_scope(engine) as db:
        again = comparison_for(db, tid, OWN)
    assert again.mapping_warning == "" and again.theme("5.4") is not None


def test_an_unknown_own_rate_is_named_not_given_a_unit() -> None:
    """A griffier read "2023: onbekend per 1.000 inwoners" in the veiligheidsanalyse (police '.' for the own
    municipality): the sentence says whose figure is unknown and keeps the group's and Nederland's."""
    from ivp_core.analysis.comparison.page import ThemeComparisonView, _number

    row = ThemeComparisonView(
        "1.3", 2023, _number(None), _number(108.89), _number(112.73), 20, None, "", False
    )
    assert row.sentence == (
        "2023: eigen cijfer onbekend; vergelijkbare gemeenten 108,9 (20 gemeenten); Nederland 112,7."
    )
    known = ThemeComparisonView(
        "1.1", 2023, _number(27.61), "28,3", "26,3", 20, "gelijk", "gelijk aan x", False
    )
    assert known.sentence.startswith("2023: 27,6 per 1.000 inwoners; vergelijkbare gemeenten 28,3")
