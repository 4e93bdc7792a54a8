"""Residents take part as they would: on phones, by keyboard, at 200 % text; one ballot per person.

The done-when test of issue 16: three residents complete a consultation; the original link reopened in the
same browser resumes the same ballot; an e-mail session delivers its link through a real local SMTP server
and refuses a second ballot for the same address; a council session with 8 seats shows the joins and the
facilitator voids one ballot with a reason; after the closing time nothing is stored. axe-core runs on every
step, and tap targets and the focus ring are measured.
"""

from __future__ import annotations

import email
import email.policy
import http.server
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import consultation_info, participation, sessions
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import Ballot, OpinionSession, Participant, Trajectory, utcnow
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.axe import enlarge_text, serious_violations, split_words
from tests.e2e.support import ServedApp, free_port, wait_idle
from ui.shell.plain import PLAIN_THEME

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
THEMES = ["1.1", "1.3", "3.1"]
#: Words a resident page must not show (B1: jargon, codes, English chrome).
FORBIDDEN = [
    "Inwonersconsultatie",
    "sessie",
    "onherkenbare afgeleide",
    "fingerprint",
    "(E33)",
    "47013NED",
    "trend stabiel",
    "kandidaat-prioriteit",
    "overige strategische",
    "Skip to main content",
    "Help for",
]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


class _Spy(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Spy.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def spy() -> Iterator[int]:
    """A tiny local web server that records every request: a Markdown image in a title must not reach it."""
    _Spy.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def inbox(served_app: ServedApp) -> Iterator[_Inbox]:
    """A real SMTP server (aiosmtpd); the served app is restarted with the SMTP settings in its environment."""
    box = _Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    served_app.kill()
    served_app.extra_env.update(
        IVP_SMTP_HOST="127.0.0.1",
        IVP_SMTP_PORT=str(port),
        IVP_SMTP_FROM="veiligheid@gemeente.example",
        IVP_SMTP_STARTTLS="0",
        IVP_EMAIL_KEY="e2e-key-0123456789abcdef",
    )
    served_app.start()
    yield box
    controller.stop()


def _session(database_url: str, **kw: Any) -> tuple[int, str]:
    with session_scope(get_engine(database_url)) as db:
        trajectory = db.scalars(select(Trajectory)).first()
        assert trajectory is not None
        admission = kw.pop("admission", None)
        seats = kw.pop("seats", None)
        created = sessions.create_session(
            db, trajectory_id=trajectory.id, municipality_id=trajectory.municipalities[0].id, **kw
        )
        if admission:
            consultation_info.set_admission(db, created.id, admission, seats)
        soon = (utcnow() + timedelta(days=7)).astimezone(consultation_info.TZ).replace(tzinfo=None)
        consultation_info.set_consultation(db, created.id, closes_local=soon)
        sessions.open_session(db, created.id)
        return created.id, created.code


def _count(database_url: str, session_id: int) -> tuple[int, int]:
    with session_scope(get_engine(database_url), readonly=True) as db:
        ballots = db.scalar(select(func.count(Ballot.id)).where(Ballot.session_id == session_id)) or 0
        people = (
            db.scalar(select(func.count(Participant.id)).where(Participant.session_id == session_id)) or 0
        )
    return int(ballots), int(people)


def _check_page(page: Page, shot: str | None = None) -> None:
    """Every resident step: axe-core clean, Dutch, no jargon, no sidebar, nothing scrolling sideways, no word
    broken mid-word."""
    wait_idle(page)
    if shot:
        page.screenshot(path=str(SHOTS / shot), full_page=False)
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.locator("[data-testid='stSkipToContent']").text_content() == "Naar de inhoud"
    assert page.locator("[aria-label='Main menu'], [aria-label='Link to heading']").count() == 0
    # Soft hyphens and zero-width spaces (ui/plain.breakable) must not hide a forbidden word.
    text = re.sub("[\u00ad\u200b]", "", page.locator("[data-testid='stMain']").inner_text())
    found = [w for w in FORBIDDEN if w.lower() in text.lower()]
    assert found == [], found
    assert not page.locator("section[data-testid='stSidebar']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert split_words(page) == []


def _tap_targets(page: Page) -> list[dict[str, Any]]:
    """Score options, buttons and expanders smaller than 44×44 px on the phone ballot."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              "[data-testid='stMain'] label[data-testid='stRadioOption'], [data-testid='stMain'] button, "
              + "[data-testid='stMain'] summary")]
            .filter(el => el.offsetParent !== null)
            .map(el => { const r = el.getBoundingClientRect();
                         return {text: el.innerText.slice(0, 30), w: r.width, h: r.height}; })
            .filter(r => r.w < 44 || r.h < 44)"""
    )


def _rate(page: Page, scores: dict[str, str]) -> None:
    for theme, score in scores.items():
        group = page.get_by_role("radiogroup", name=re.compile(re.escape(PLAIN_THEME[theme])))
        group.get_by_text(score, exact=True).click()
        wait_idle(page)


def _submit(page: Page, thanked: str = "Dank u wel!") -> None:
    page.get_by_role("button", name="Stem versturen").click()
    expect(page.get_by_text(thanked, exact=False)).to_be_visible(timeout=30_000)


def _contrast(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return 1.05 / (lum + 0.05)  # against white


def test_residents_take_part_one_ballot_each(
    served_app: ServedApp, inbox: _Inbox, spy: int, browser: Browser, database_url: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    first = browser.new_page()
    first.goto(served_app.base_url)
    expect(first.get_by_role("link", name="Stemmen", exact=True)).to_be_visible(timeout=60_000)
    for width in (360, 390, 1280):
        first.set_viewport_size({"width": width, "height": 844})
        wait_idle(first)
        assert serious_violations(first) == [], width
    first.close()
    title = f"Wat vindt u belangrijk? ![](http://127.0.0.1:{spy}/x.png)"
    sid, code = _session(
        database_url,
        kind="inwonersconsultatie",
        title=title,
        method="rating",
        themes=THEMES,
        settings={"wijken": ["Centrum", "Noord"]},
    )

    # Resident 1, on a phone: reads why and until when, votes, and comes back through the original link.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{served_app.base_url}/stem?code={code}")
    expect(page.get_by_text("Waar gaat dit over?")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(title)).to_be_visible()
    _check_page(page, "resident-1-start-390x844.png")
    assert _count(database_url, sid) == (0, 0)  # opening the page writes nothing
    page.get_by_text("Privacy: wat doen we met uw gegevens?").click()
    expect(page.get_by_text("Wie is verantwoordelijk?")).to_be_visible()
    _check_page(page, "resident-2-privacy-390x844.png")
    expect(page.get_by_role("radiogroup")).to_have_count(0)  # the questions come after "Beginnen"
    page.get_by_role("button", name="Beginnen").click()
    expect(page.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    page.get_by_text("Cijfers over dit onderwerp").first.click()
    _check_page(page, "resident-3-figures-390x844.png")
    assert _tap_targets(page) == []
    _rate(page, {"1.1": "5", "1.3": "4", "3.1": "2"})
    page.get_by_role("radiogroup").first.scroll_into_view_if_needed()
    _check_page(page, "resident-4-ballot-390x844.png")
    _submit(page)
    _check_page(page, "resident-5-thanks-390x844.png")
    assert _count(database_url, sid) == (1, 1)
    again = phone.new_page()
    again.goto(f"{served_app.base_url}/stem?code={code}")
    expect(again.get_by_text("U heeft al gestemd", exact=False)).to_be_visible(timeout=30_000)
    _check_page(again, "resident-6-back-390x844.png")
    _submit(again, "Uw stem is aangepast")
    assert _count(database_url, sid) == (1, 1)
    phone.close()

    # Resident 2, keyboard only: Tab through the page, arrow keys for the scores, Enter on the button.
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.goto(f"{served_app.base_url}/stem?code={code}")
    expect(desk.get_by_role("button", name="Beginnen")).to_be_visible(timeout=30_000)
    wait_idle(desk)
    for _ in range(60):  # the start screen: Tab to "Beginnen", Enter
        desk.keyboard.press("Tab")
        if desk.evaluate("() => (document.activeElement.innerText || '').trim()") == "Beginnen":
            desk.keyboard.press("Enter")
            break
    expect(desk.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    _check_page(desk)
    rated = 0
    for _ in range(200):
        desk.keyboard.press("Tab")
        focus = desk.evaluate(
            """() => { const el = document.activeElement;
                       const box = el.closest("label[data-testid='stRadioOption']") || el;
                       const s = getComputedStyle(box);
                       return {tag: el.tagName, type: el.type || '', text: (el.innerText || '').trim(),
                               checked: !!el.checked, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                               color: s.outlineColor, label: (box.innerText || '').trim()}; }"""
        )
        if focus["type"] == "radio":
            assert focus["outline"] != "none" and focus["width"] >= 2 and _contrast(focus["color"]) >= 3, (
                focus
            )
            if focus["label"] == "Geen mening":
                desk.keyboard.press("ArrowLeft")
                wait_idle(desk)
                rated += 1
        # After "Beginnen" the browser may go on tabbing from where that button was: a keyboard user who gets
        # to the button before every question goes round once more (Tab wraps to the top of the page).
        if focus["tag"] == "BUTTON" and focus["text"] == "Stem versturen" and rated == len(THEMES):
            assert focus["outline"] != "none" and _contrast(focus["color"]) >= 3, focus
            desk.keyboard.press("Enter")
            break
    expect(desk.get_by_text("Dank u wel!", exact=False)).to_be_visible(timeout=30_000)
    assert rated == len(THEMES)
    assert _count(database_url, sid) == (2, 2)
    desk.close()

    # Resident 3, a small phone at 200 % text: first the page that asks for the code, then every step.
    small = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    small.goto(f"{served_app.base_url}/stem")
    expect(small.get_by_role("button", name="Verder")).to_be_visible(timeout=30_000)
    enlarge_text(small)
    _check_page(small, "resident-7-code-200pct-360.png")
    small.goto(f"{served_app.base_url}/stem?code={code}")
    expect(small.get_by_role("button", name="Beginnen")).to_be_visible(timeout=30_000)
    enlarge_text(small)
    _check_page(small, "resident-7-start-200pct-360.png")
    small.get_by_role("button", name="Beginnen").click()
    expect(small.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    small.get_by_text("Privacy: wat doen we met uw gegevens?").click()
    for figures in small.get_by_text("Cijfers over dit onderwerp").all():
        figures.click()
    _check_page(small)  # every text of the page is open now: privacy statement, figures, all questions
    _rate(small, {"1.1": "3", "1.3": "5"})
    _submit(small)
    _check_page(small, "resident-7-thanks-200pct-360.png")
    assert _count(database_url, sid) == (3, 3)

    # After the closing time nothing is stored, even though nobody closed the session.
    with session_scope(get_engine(database_url)) as db:
        row = db.get(OpinionSession, sid)
        row.settings = {**row.settings, "closes_at": (utcnow() - timedelta(seconds=1)).isoformat()}
    # The next tap reruns the page: it sees the clock has passed and offers no button any more (the server
    # refuses such a ballot too: tests/consultation/test_residents.py).
    small.get_by_role("radiogroup").last.get_by_text("1", exact=True).click()
    expect(small.get_by_text("Stemmen kan niet meer", exact=False)).to_be_visible(timeout=30_000)
    assert _count(database_url, sid) == (3, 3)
    small.close()
    assert _Spy.hits == []  # the title's image was never fetched

    # E-mail: the link arrives through the SMTP server; the same address cannot vote twice.
    eid, ecode = _session(
        database_url,
        kind="inwonersconsultatie",
        title="Uw mening per e-mail",
        method="rating",
        themes=THEMES,
        admission="email",
    )
    mail = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    mail.goto(f"{served_app.base_url}/stem?code={ecode}")
    expect(mail.get_by_label("Uw e-mailadres")).to_be_visible(timeout=30_000)
    _check_page(mail, "resident-8-email-390x844.png")
    mail.get_by_label("Uw e-mailadres").fill("inwoner@example.nl")
    mail.get_by_role("button", name="Stuur mij de link").click()
    expect(mail.get_by_text("We hebben u een e-mail gestuurd", exact=False)).to_be_visible(timeout=30_000)
    (raw,) = inbox.messages
    body = email.message_from_string(raw, policy=email.policy.default).get_content()
    link = re.search(r"http\S+", body)
    assert link is not None and f"code={ecode}" in link.group(0)
    mail.goto(link.group(0))
    expect(mail.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    _rate(mail, {"1.1": "4"})
    _submit(mail)
    assert _count(database_url, eid) == (1, 1)
    other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    other.goto(f"{served_app.base_url}/stem?code={ecode}")
    other.get_by_label("Uw e-mailadres").fill("INWONER@example.nl")
    other.get_by_role("button", name="Stuur mij de link").click()
    # The page answers as for any address (AVG, issue 26); only the mail says this address already voted.
    expect(other.get_by_text("We hebben u een e-mail gestuurd", exact=False)).to_be_visible(timeout=30_000)
    assert other.get_by_text("al gestemd", exact=False).count() == 0
    other.screenshot(path=str(SHOTS / "resident-9-email-again-390x844.png"), full_page=False)
    assert len(inbox.messages) == 2 and _count(database_url, eid) == (1, 1)
    again = email.message_from_string(inbox.messages[1], policy=email.policy.default).get_content()
    assert "Met dit e-mailadres is al gestemd" in again and "http" not in again

    # Council: 8 seats, two members vote, the facilitator sees 2 of 8 and voids one with a reason.
    cid, ccode = _session(
        database_url,
        kind="raadscommissie",
        title="Raadscommissie veiligheid",
        method="rating",
        themes=THEMES,
        admission="zetels",
        seats=8,
    )
    catalogue = load_catalogue()
    for score in ("5", "3"):
        member = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        member.goto(f"{served_app.base_url}/stem?code={ccode}")
        group = member.get_by_role(
            "radiogroup", name=f"Hoe belangrijk is {catalogue.theme('1.1').short_name}?"
        )
        group.get_by_text(score, exact=True).click()
        wait_idle(member)
        _submit(member)
    clerk = browser.new_page(viewport={"width": 1280, "height": 900})
    clerk.goto(served_app.base_url)
    wait_idle(clerk)
    clerk.get_by_role("link", name="Inloggen begeleider").click()
    clerk.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    clerk.get_by_role("button", name="Inloggen").click()
    clerk.get_by_role("link", name="Sessies").click()
    clerk.get_by_text("Meedoen: één stem per persoon", exact=False).click()
    expect(clerk.get_by_text("Gestemd: 2 van 8 zetels")).to_be_visible(timeout=30_000)
    clerk.get_by_label("Reden (wordt bewaard)").fill("Geen lid van de commissie")
    clerk.get_by_role("button", name="Stem ongeldig maken").click()
    expect(clerk.get_by_text("Ongeldig: P1", exact=False)).to_be_visible(timeout=30_000)
    assert _count(database_url, cid) == (1, 2)


def test_a_waiting_phone_moves_on_by_itself_when_voting_opens(
    served_app: ServedApp, browser: Browser, database_url: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(served_app.base_url)
    expect(page.get_by_role("link", name="Stemmen", exact=True)).to_be_visible(timeout=60_000)
    with session_scope(get_engine(database_url)) as db:
        trajectory = db.scalars(select(Trajectory)).first()
        assert trajectory is not None
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            kind="raadscommissie",
            title="Commissie",
            method="rating",
            themes=THEMES,
        )
    page.goto(f"{served_app.base_url}/stem?code={created.code}")
    expect(page.get_by_text("Stemmen kan nog niet", exact=False)).to_be_visible(timeout=30_000)
    _check_page(page, "resident-0-waiting-390x844.png")
    with session_scope(get_engine(database_url)) as db:
        sessions.open_session(db, created.id)
    expect(page.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)


def test_the_page_is_dutch_from_its_first_byte(served_app: ServedApp, browser: Browser) -> None:
    """Every address answers `<html lang="nl">` (ui/bootstrap.serve_dutch_html), not Streamlit's "en".

    The app's code first runs when the first visitor's page connects, so that one page load comes first.
    """
    page = browser.new_page(viewport=PHONE)
    page.goto(served_app.base_url)
    expect(page.get_by_role("link", name="Stemmen", exact=True)).to_be_visible(timeout=60_000)
    for path in ("/", "/stem", "/stem?code=K7QX4MPA", "/start"):
        with urllib.request.urlopen(served_app.base_url + path, timeout=30) as response:
            head = response.read().decode("utf-8", "replace")
        assert '<html lang="nl">' in head and 'lang="en"' not in head, (path, head)
        assert "<title>IVP-prioritering</title>" in head and "enable JavaScript" not in head
    # Streamlit's own scripts still come from its folder: a fresh load works, and is Dutch before any script.
    page.goto(f"{served_app.base_url}/stem", wait_until="commit")
    page.wait_for_selector("html", state="attached")
    assert page.evaluate("document.documentElement.getAttribute('lang')") == "nl"
    expect(page.get_by_role("button", name="Verder")).to_be_visible(timeout=30_000)
    page.close()


def test_a_tap_while_the_page_is_still_drawing_is_kept(
    served_app: ServedApp, browser: Browser, database_url: str
) -> None:
    """Reload the phone ballot and tap a score as soon as the first option shows: the tap must count.

    Until the first run of the page is done the options take no taps and a Dutch "even geduld" bar shows
    (ui/shell/plain.py); Playwright's click then waits, as a person would tap again, instead of being lost.
    """
    SHOTS.mkdir(exist_ok=True)
    warm = browser.new_page()
    warm.goto(served_app.base_url)
    expect(warm.get_by_role("link", name="Stemmen", exact=True)).to_be_visible(timeout=60_000)
    warm.close()
    sid, code = _session(
        database_url, kind="inwonersconsultatie", title="Tikken", method="rating", themes=THEMES
    )
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{served_app.base_url}/stem?code={code}")
    page.get_by_role("button", name="Beginnen").click()  # the address now says so: a reload stays there
    expect(page.get_by_role("button", name="Stem versturen")).to_be_visible(timeout=30_000)
    wait_idle(page)
    first = page.get_by_role("radiogroup", name=re.compile(re.escape(PLAIN_THEME["1.1"])))
    for score in ("4", "2", "5", "1", "3"):
        page.reload(wait_until="commit")
        option = first.get_by_text(score, exact=True)
        expect(option).to_be_visible(timeout=30_000)
        if score == "4":
            page.screenshot(path=str(SHOTS / "resident-9-reload-drawing-390x844.png"))
        option.click()
        wait_idle(page)
        picked = first.get_by_role("radio", checked=True).evaluate("e => e.closest('label').innerText")
        assert picked.strip() == score
    _submit(page)
    token = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["t"][0]
    with session_scope(get_engine(database_url), readonly=True) as db:
        stored = participation.my_ballot(db, sid, token)
    assert stored is not None and stored["1.1"] == 3
    assert page.evaluate("document.documentElement.hasAttribute('data-ivp-ready')")
