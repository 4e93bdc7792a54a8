"""Issue 13, "Done when": a real municipality goes from an empty installation (IVP_NO_DEMO=1) to the raad's
decision through the browser only: trajectory, a police download of three municipalities, the three texts of
a theme, a council session voted on phones, the decision record, and the report; no demo data at any step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import (
    Ballot,
    Figure,
    ImportBatch,
    Municipality,
    OpinionSession,
    PriorityDecision,
    ThemeAnalysis,
    Trajectory,
)
from tests.e2e.support import (
    SCREEN,
    ServedApp,
    create_trajectory_in_browser,
    log_in,
    type_date,
    vote_points_on_phone,
    wait_idle,
)
from tests.own_municipality import (
    ADVICE_WORDS,
    BENCHMARK,
    CODE,
    COUNCIL_BALLOTS,
    NAME,
    OTHERS,
    docx_text,
    write_statline_file,
)

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")
TEXTS = {
    "Problematiek": "Woninginbraken in de kernen nemen toe; 60 aangiften in 2023.",
    "Huidige aanpak": "Buurtpreventie-apps en voorlichting door de wijkagent.",
    "Extra?": "Inbraakpreventie bij nieuwbouw; samen met de woningcorporatie.",
}


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """The shared machine is often loaded: each expectation gets room, and the default returns afterwards."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def _open(page: Page, link: str) -> None:
    page.get_by_role("link", name=link, exact=True).first.click()
    wait_idle(page, 120_000)


def _import_three_municipalities(page: Page, tmp_path: Path) -> None:
    _open(page, "Analyse beheren")
    author = page.get_by_role("textbox", name="Uw naam")
    author.fill("Coördinator Dalfsen")
    author.press("Tab")
    wait_idle(page)
    page.get_by_role("tab", name="Cijfers importeren").click()
    page.get_by_role("region", name="Bestand met cijfers").locator("input[type=file]").set_input_files(
        str(write_statline_file(tmp_path))
    )
    picker = page.get_by_role("combobox", name="Gemeenten uit dit bestand om te importeren")
    expect(picker).to_be_visible(timeout=60_000)
    wait_idle(page, 60_000)
    # Only the trajectory's own municipality is chosen; the other two are offered, not taken.
    chosen = page.get_by_test_id("stMultiSelect").get_by_text(re.compile(rf"\({CODE}, \d+ regels?\)"))
    expect(chosen).to_be_visible()
    for other in OTHERS:
        expect(page.get_by_test_id("stMultiSelect").get_by_text(other)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"47013NED_TypedDataSet\.csv · soort: .* · 0 fouten"))).to_be_visible()
    page.screenshot(path=str(SHOTS / "flow-import-preview-1920x1080.png"))
    page.get_by_role("button", name="Importeren (alles of niets)").click()
    expect(
        page.get_by_text(re.compile(r"\d+ cijfers uit 47013NED_TypedDataSet\.csv zijn opgeslagen"))
    ).to_be_visible(timeout=60_000)
    wait_idle(page)


def _write_theme_texts(page: Page) -> None:
    page.get_by_role("tab", name="Teksten per thema").click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("textbox", name="Problematiek"))
    for label, text in TEXTS.items():
        form.get_by_role("textbox", name=label, exact=True).fill(text)
    form.get_by_text("Kandidaat-prioriteit voor Stap 3").click()
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("4 wijziging(en) opgeslagen.")).to_be_visible(timeout=60_000)
    wait_idle(page)


def _council_session(page: Page, browser: Browser, base_url: str) -> int:
    """Create and open a points session on all themes; phones vote; close it. Returns how many voted."""
    _open(page, "Sessies")
    page.get_by_text("Nieuwe sessie").click()
    page.get_by_text("Alle 22 thema's").click()
    wait_idle(page)
    title = page.get_by_role("textbox", name="Titel")
    title.fill("Opiniërende bijeenkomst raadscommissie Bestuur")
    # Enter submits the form ("Sessie aanmaken"); Tab would open the date field's calendar over the button.
    title.press("Enter")
    created = page.get_by_text(re.compile(r"Sessie aangemaakt met code [A-Z2-9]{8}"))
    expect(created).to_be_visible(timeout=60_000)
    code = re.search(r"code ([A-Z2-9]{8})", created.inner_text()).group(1)  # type: ignore[union-attr]
    wait_idle(page)
    page.get_by_role("button", name="Sessie openen").click()
    expect(page.get_by_text("Status: Open")).to_be_visible(timeout=60_000)
    wait_idle(page)
    for i, ballot in enumerate(COUNCIL_BALLOTS):
        shot = SHOTS / "flow-phone-390x844.png" if i == 0 else None
        phone = vote_points_on_phone(browser, base_url, code, ballot, shot=shot)
        phone.context.close()
    page.get_by_role("button", name="Sessie sluiten").click()
    expect(page.get_by_text("Status: Gesloten")).to_be_visible(timeout=60_000)
    wait_idle(page)
    return len(COUNCIL_BALLOTS)


def _record_advice(page: Page) -> None:
    _open(page, "Advies en keuze")
    expect(page.get_by_role("button", name="Keuze vastleggen")).to_be_visible(timeout=120_000)
    wait_idle(page, 120_000)
    page.screenshot(path=str(SHOTS / "flow-results-top-1920x1080.png"))
    expect(
        page.get_by_role("radio", name="Advies (opiniërende sessie, geen formeel besluit)")
    ).to_be_checked()
    type_date(page, "Datum van de vergadering", "14102026")
    page.get_by_role("textbox", name="Uw naam").fill("Griffier Dalfsen")
    page.get_by_role("textbox", name="Uw naam").press("Tab")
    wait_idle(page)
    page.screenshot(path=str(SHOTS / "flow-results-form-1920x1080.png"))
    page.get_by_role("button", name="Keuze vastleggen").click()
    expect(page.get_by_text(f"{ADVICE_WORDS}:")).to_be_visible(timeout=120_000)
    wait_idle(page, 120_000)
    page.screenshot(path=str(SHOTS / "flow-decision-1920x1080.png"))


def test_a_real_municipality_from_an_empty_installation_to_the_decision(
    real_installation: ServedApp, browser: Browser, engine: Engine, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport=SCREEN, accept_downloads=True).new_page()
    page.goto(real_installation.base_url)
    wait_idle(page, 60_000)
    expect(page.get_by_text("Er is nog geen traject.")).to_be_visible()
    log_in(page, real_installation.base_url)

    create_trajectory_in_browser(page, "IVP Dalfsen", CODE, NAME)
    page.screenshot(path=str(SHOTS / "flow-trajectory-1920x1080.png"))

    _import_three_municipalities(page, tmp_path)
    with session_scope(engine) as db:
        regions = set(db.scalars(select(Figure.region_code).where(Figure.batch_id.is_not(None))))
    assert regions == {CODE, BENCHMARK}

    _write_theme_texts(page)
    voters = _council_session(page, browser, real_installation.base_url)
    _record_advice(page)

    _open(page, "Verslag en back-up")
    word = page.get_by_role("button", name="Word").first  # the verslag's; the other documents follow it
    expect(word).to_be_visible(timeout=120_000)
    expect(page.get_by_text(f"{ADVICE_WORDS}: 1.3 ")).to_be_visible()  # an advice, not "vastgesteld"
    with page.expect_download(timeout=120_000) as arrived:
        word.click()
    target = tmp_path / arrived.value.suggested_filename
    arrived.value.save_as(target)
    assert target.suffix == ".docx" and "dalfsen" in target.name
    text = docx_text(target)
    assert NAME in text and ADVICE_WORDS in text
    page.screenshot(path=str(SHOTS / "flow-report-1920x1080.png"))

    with session_scope(engine) as db:
        assert [(t.name, t.fictitious) for t in db.scalars(select(Trajectory))] == [("IVP Dalfsen", False)]
        assert [(m.cbs_code, m.fictitious) for m in db.scalars(select(Municipality))] == [(CODE, False)]
        texts = db.scalars(select(ThemeAnalysis).where(ThemeAnalysis.problem_text != "")).one()
        assert (texts.problem_text, texts.approach_text, texts.extra_text, texts.candidate) == (
            *TEXTS.values(),
            True,
        )
        batch = db.scalars(
            select(ImportBatch).where(ImportBatch.filename == "47013NED_TypedDataSet.csv")
        ).one()
        assert batch.imported_by == "Coördinator Dalfsen"
        council = db.scalars(select(OpinionSession)).one()
        assert (council.kind, council.status) == ("raadscommissie", "gesloten")
        assert len(db.scalars(select(Ballot).where(Ballot.session_id == council.id)).all()) == voters
        record = db.scalars(select(PriorityDecision)).one()
        assert (record.status, record.gremium, record.meeting_date) == (
            "advies",
            "raadscommissie",
            date(2026, 10, 14),
        )
        assert record.chosen[0] == "1.3"  # the council's points put 1.3 first
