"""The raadscommissie evening, end to end against a served app in headless Chromium.

A facilitator logs in and creates a points session; ten council members vote on their own phones (separate
browser contexts) via `/stem?code=…`; the shared screen shows ten ballots and the right totals without a
reload; after closing, an eleventh vote is refused; after the server is killed (SIGKILL) and started again,
all ten ballots are still there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import sessions
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import Ballot, BallotItem
from tests.e2e.support import PHONE, SCREEN, ServedApp, log_in, vote_points_on_phone, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """The shared test machine is often busy (load well above its cores): give each expectation room."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other browser tests


SHOTS = Path("/tmp/shots")


def _points(i: int, themes: list[str]) -> dict[str, int]:
    """Participant i's ballot: 10 points over three themes, different per participant."""
    first, second = themes[i % len(themes)], themes[(i + 1) % len(themes)]
    return {first: 5 + i % 3, second: 5 - i % 3}


def _stored(database_url: str, session_id: int) -> tuple[int, dict[str, float]]:
    with session_scope(get_engine(database_url)) as db:
        count = db.scalar(select(func.count(Ballot.id)).where(Ballot.session_id == session_id)) or 0
        totals = db.execute(
            select(BallotItem.theme_code, func.sum(BallotItem.value))
            .join(Ballot)
            .where(Ballot.session_id == session_id)
            .group_by(BallotItem.theme_code)
        ).all()
    return int(count), {theme: float(total) for theme, total in totals}


def _expect_totals(screen: Page, expected: dict[str, int]) -> None:
    catalogue = load_catalogue()
    table = screen.get_by_test_id("stTable")
    for theme, total in expected.items():
        row = table.locator("tr", has_text=f"{theme} {catalogue.theme(theme).short_name}")
        expect(row.get_by_role("cell").nth(1)).to_have_text(str(total))


def test_council_session(served_app: ServedApp, browser: Browser, database_url: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    screen_context = browser.new_context(viewport=SCREEN)
    screen = screen_context.new_page()
    log_in(screen, served_app.base_url)

    # Create a points session on the analysis' candidate themes and open it.
    screen.get_by_role("link", name="Sessies").click()
    expect(screen.get_by_role("heading", name="Sessies")).to_be_visible()
    wait_idle(screen)  # a click during a rerun can be lost when the element is redrawn
    screen.get_by_text("Nieuwe sessie").click()
    expect(screen.get_by_label("Titel")).to_be_visible()
    wait_idle(screen)
    screen.get_by_label("Titel").fill("Opiniërende bijeenkomst E2E")
    # Leave the field first, as a person does: a click in the same instant as the field's blur was now and
    # then lost while the form redrew its submit button (seen in 2 of 9 runs).
    screen.get_by_label("Titel").press("Tab")
    wait_idle(screen)
    screen.get_by_role("button", name="Sessie aanmaken").click()
    created = screen.get_by_text(re.compile(r"Sessie aangemaakt met code [A-Z2-9]{8}"))
    expect(created).to_be_visible(timeout=20_000)
    code = re.search(r"code ([A-Z2-9]{8})", created.inner_text()).group(1)  # type: ignore[union-attr]
    with session_scope(get_engine(database_url)) as db:
        info = sessions.find_by_code(db, code)
    assert info is not None and info.method == "points" and info.settings["budget"] == 10
    themes = list(info.themes)
    screen.get_by_role("button", name="Sessie openen").click()
    expect(screen.get_by_text("Status: Open")).to_be_visible()
    wait_idle(screen)

    # The shared screen: results are hidden until the facilitator shows them.
    screen.get_by_role("link", name="Naar het live scherm").click()
    expect(screen.get_by_test_id("join-code")).to_have_text(code, timeout=20_000)
    expect(screen.get_by_test_id("live-ballots")).to_have_text("0")
    expect(screen.get_by_text("De uitslag is verborgen")).to_be_visible()
    screen.get_by_text("Bediening begeleider").click()
    show = screen.get_by_role("switch", name="Uitslag tonen op het scherm")
    interim = screen.get_by_text("Tussenstand", exact=True)
    for attempt in range(3):  # a tap that lands while the page redraws is lost; a person then taps again
        if not show.is_checked():
            screen.get_by_text("Uitslag tonen op het scherm").click()
        try:
            expect(interim).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise

    expected: dict[str, int] = dict.fromkeys(themes, 0)
    phones = []
    for i in range(10):
        ballot = _points(i, themes)
        for theme, points in ballot.items():
            expected[theme] += points
        shot = SHOTS / "participant-390x844-top.png" if i == 0 else None
        phones.append(vote_points_on_phone(browser, served_app.base_url, code, ballot, shot=shot))
        if i == 0:
            phones[0].screenshot(path=str(SHOTS / "participant-390x844.png"))

    # Without any reload of the shared screen: ten ballots and the right totals.
    expect(screen.get_by_test_id("live-ballots")).to_have_text("10", timeout=10_000)
    expect(screen.get_by_test_id("live-participants")).to_have_text("10")
    screen.get_by_text("Tussenstand als tabel").click()
    _expect_totals(screen, expected)
    screen.screenshot(path=str(SHOTS / "live-1920x1080.png"))

    # An eleventh member fills in the form, but the session closes before they press the button.
    late = vote_points_on_phone(browser, served_app.base_url, code, _points(10, themes), submit=False)
    screen.get_by_role("button", name="Sessie sluiten").click()
    expect(screen.get_by_text("De sessie is gesloten.")).to_be_visible(timeout=10_000)
    late.get_by_role("button", name="Stem versturen").click()
    expect(late.get_by_text("Stemmen kan niet meer", exact=False)).to_be_visible(timeout=20_000)
    assert _stored(database_url, info.id) == (10, {t: float(v) for t, v in expected.items()})

    # Kill the server without warning, start it again: all ten ballots are still there.
    served_app.kill()
    served_app.start()
    assert _stored(database_url, info.id) == (10, {t: float(v) for t, v in expected.items()})
    restarted = browser.new_context(viewport=SCREEN).new_page()
    log_in(restarted, served_app.base_url)
    restarted.get_by_role("link", name="Live scherm").click()
    expect(restarted.get_by_test_id("live-ballots")).to_have_text("10", timeout=20_000)
    expect(restarted.get_by_text("De sessie is gesloten.")).to_be_visible()


def _phone_on_new_session(
    served_app: ServedApp, browser: Browser, database_url: str, **session: Any
) -> tuple[Page, int]:
    """A phone on the ballot of a new, open session in the demo trajectory (made as a facilitator would)."""
    from ivp_core.storage.models import Trajectory

    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(served_app.base_url)  # the first visit loads the demo trajectory
    # The app's own navigation appears only after start-up (migrations, demo) has finished; "idle" alone
    # can be seen before the first run has begun, when the browser still lists the bare page files.
    expect(page.get_by_role("link", name="Stemmen", exact=True)).to_be_visible(timeout=60_000)
    with session_scope(get_engine(database_url)) as db:
        trajectory = db.scalars(select(Trajectory)).first()
        assert trajectory is not None
        created = sessions.create_session(
            db, trajectory_id=trajectory.id, municipality_id=trajectory.municipalities[0].id, **session
        )
        sessions.open_session(db, created.id)
    page.goto(f"{served_app.base_url}/stem?code={created.code}")
    wait_idle(page)
    return page, created.id


def test_resident_page_has_no_serious_accessibility_violations(
    served_app: ServedApp, browser: Browser, database_url: str
) -> None:
    from tests.e2e.axe import serious_violations

    page, _ = _phone_on_new_session(
        served_app,
        browser,
        database_url,
        kind="inwonersconsultatie",
        title="Wat vindt u belangrijk?",
        method="rating",
        themes=["1.1", "1.3", "3.1"],
        settings={"wijken": ["Centrum", "Noord"]},
    )
    assert serious_violations(page) == []  # the start screen: what it is about, and "Beginnen"
    page.get_by_role("button", name="Beginnen").click()
    expect(page.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    page.get_by_text("Cijfers over dit onderwerp").first.click()
    page.screenshot(path=str(SHOTS / "participant-resident-390x844.png"))
    # Streamlit's own sectioned sidebar navigation puts section headings directly in its <ul> ('list',
    # 'listitem'); that is the framework's markup, not this page's, and is reported separately.
    framework = {"list", "listitem"}
    assert [v for v in serious_violations(page) if v["id"] not in framework] == []


def test_what_was_typed_last_is_what_is_stored(
    served_app: ServedApp, browser: Browser, database_url: str
) -> None:
    """A phone user types points and a remark and taps the button without leaving the field first.

    The button lives in a fragment that reads the ballot back from session state (pages/stem.py): this
    shows that the value typed last is the one stored, not the one of the previous full rerun.
    """
    from ivp_core.storage.models import Comment

    catalogue = load_catalogue()
    page, session_id = _phone_on_new_session(
        served_app,
        browser,
        database_url,
        kind="raadscommissie",
        title="Direct versturen",
        method="points",
        themes=["1.1", "2.1", "3.1"],
        settings={"budget": 10},
    )
    page.get_by_label(f"Punten voor {catalogue.theme('1.1').short_name}").fill("4")
    page.get_by_label(f"Punten voor {catalogue.theme('1.1').short_name}").press("Enter")
    wait_idle(page)
    # The last two inputs are typed and the button is tapped at once, without Enter or waiting.
    page.get_by_label(f"Punten voor {catalogue.theme('2.1').short_name}").fill("6")
    page.get_by_label("Opmerking (mag leeg blijven)").last.fill("Meer toezicht bij de haven")
    page.get_by_role("button", name="Stem versturen").click()
    expect(page.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(timeout=20_000)
    with session_scope(get_engine(database_url)) as db:
        items = dict(
            db.execute(
                select(BallotItem.theme_code, BallotItem.value)
                .join(Ballot)
                .where(Ballot.session_id == session_id)
            ).all()
        )
        remarks = db.scalars(select(Comment.text).where(Comment.session_id == session_id)).all()
    assert items == {"1.1": 4.0, "2.1": 6.0, "3.1": 0.0}
    assert remarks == ["Meer toezicht bij de haven"]
