"""Comparison with similar municipalities, "Done when": on an installation without the demo, a coordinator
creates the trajectory on the page, imports a whole-country 47013NED file and a population file on Analyse
beheren as comparison, and the overview and the field page show the own rate, the group's and Nederland's with
the verdict and the pooled rule. Screenshots at 1920×1080 in /tmp/shots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ivp_core.analysis.comparison.compute import compare
from ivp_core.storage.db import get_engine, session_scope
from tests.analysis.comparison.country import OWN, write_crime_file, write_population_file
from tests.e2e.support import SCREEN, ServedApp, create_trajectory_in_browser, log_in, wait_idle

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")


def _one(value: float | None) -> str:
    return "onbekend" if value is None else f"{value:.1f}".replace(".", ",")


def test_a_new_trajectory_imports_the_comparison_on_the_page_and_the_overview_shows_it(
    real_installation: ServedApp, browser: Browser, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    crime, population = tmp_path / "47013NED_alle_gemeenten.csv", tmp_path / "03759ned.csv"
    write_crime_file(crime)
    write_population_file(population)
    page = browser.new_context(viewport=SCREEN).new_page()  # type: ignore[attr-defined]
    log_in(page, real_installation.base_url)
    create_trajectory_in_browser(page, "IVP Dalfsen 2027-2030", OWN, "Dalfsen")

    page.get_by_role("link", name="Analyse beheren", exact=True).first.click()
    wait_idle(page, 60_000)
    page.get_by_text("Cijfers importeren", exact=True).click()
    wait_idle(page, 60_000)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Bestand met alle gemeenten")
    for path, stored in ((crime, "thematotalen per jaar"), (population, "inwonersaantallen")):
        uploader.locator("input[type=file]").set_input_files(str(path))
        wait_idle(page, 60_000)
        page.get_by_role("button", name="Importeren als vergelijking (alles of niets)").click()
        done = page.get_by_test_id("stAlertContentSuccess").filter(has_text=f"{path.name}: ")
        expect(done).to_contain_text(stored, timeout=120_000)
        wait_idle(page, 60_000)

    with session_scope(get_engine(real_installation.database_url)) as db:
        expected = compare(db, 1, OWN)
    assert expected.group_name == "gemeenten met 20.000 tot 50.000 inwoners"

    page.get_by_role("link", name="Overzicht velden", exact=True).first.click()
    wait_idle(page, 60_000)
    main = page.get_by_test_id("stMain")
    for row in expected.themes:
        rates = f"hier {_one(row.own_per_1000)} · groep {_one(row.group_per_1000)} · NL {_one(row.national_per_1000)}"
        expect(main.get_by_text(rates, exact=True)).to_be_visible()
    expect(
        main.get_by_text(f"({len(expected.members)} gemeenten, {expected.year})", exact=False)
    ).to_be_visible()
    expect(main.get_by_text("Het cijfer van de groep is gepoold", exact=False)).to_be_visible()
    page.screenshot(path=str(SHOTS / "vergelijking_overzicht_1920.png"))

    page.get_by_role("link", name="Per veld", exact=True).first.click()
    wait_idle(page, 60_000)
    first = expected.theme("1.1")
    assert first is not None and first.verdict is not None
    expect(
        main.get_by_text(f"{expected.year}: {_one(first.own_per_1000)} per 1.000 inwoners", exact=False)
    ).to_be_visible()
    page.screenshot(path=str(SHOTS / "vergelijking_veld_1920.png"))
