"""Thanked vote → projector, with phones and a projector in real browsers (headless Chromium).

The load bench (`bench/load_session.py --presenter`) measures the same delay with browserless clients; a real
browser adds its own drawing and websocket handling, so the council room's promise (a vote is on the screen
within a second of the phone saying "Dank u wel") is measured here as the room sees it. Each phone has its own
browser context, opens the ballot and fills it in first; then they press one after another, each as soon as the
screen showed the previous vote. Both moments are taken inside the pages (a MutationObserver notes when the
thanks and the new count appear, in the browser's clock), so Playwright's own polling does not count.

Prints figures only. Run: ``.venv/bin/python -m bench.projector_browsers [--phones 8] [--rounds 2]``
(Chromium from ``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serve import free_port, start_server, stop_server, streamlit_command, wait_healthy  # noqa: E402

WATCH = """([selector, wanted]) => {
  window.__seen = window.__seen || {};
  const note = () => {
    const el = selector ? document.querySelector(selector) : document.body;
    const text = el ? el.innerText : "";
    if (wanted && text.includes(wanted) && !(wanted in window.__seen)) window.__seen[wanted] = Date.now();
    if (!wanted && el && !(text in window.__seen)) window.__seen[text.trim()] = Date.now();
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
  note();
}"""


def _session(url: str, phones: int) -> tuple[str, str]:
    """An open points session of the demo's raadscommissie and a projector link for it."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import select

    from ivp_core.access import presenter
    from ivp_core.access.actor import acting_as
    from ivp_core.access.cli import operator
    from ivp_core.consultation import sessions
    from ivp_core.startup import prepare_database
    from ivp_core.storage import db
    from ivp_core.storage.models import Trajectory

    engine = db.get_engine(url)
    prepare_database(engine)
    with acting_as(operator()), db.session_scope(engine) as s:
        trajectory = s.scalars(select(Trajectory)).first()
        assert trajectory is not None
        created = sessions.create_session(
            s,
            trajectory_id=trajectory.id,
            municipality_id=trajectory.municipalities[0].id,
            kind="raadscommissie",
            title=f"Meting met {phones} telefoons",
            method="points",
            themes=["1.1", "1.3", "2.1", "4.1"],
            settings={"budget": 10},
        )
        code = sessions.open_session(s, created.id).code
        token = presenter.create_link(s, created.id)
    db.dispose_engines()
    return code, token


def measure(phones: int, rounds: int) -> list[float]:
    from playwright.sync_api import expect, sync_playwright

    import tests.conftest  # noqa: F401  (first: the browser helpers and the test set-up import each other)
    from tests.e2e.support import SCREEN, vote_points_on_phone, wait_idle

    delays: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/ivp.db"
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, IVP_STATE_DIR=f"{folder}/state")
        server = start_server(
            streamlit_command("app.py", port), cwd=ROOT, env=env, log=Path(folder) / "server.log"
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, server, 180)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                for _ in range(rounds):
                    code, token = _session(url, phones)
                    projector = browser.new_context(viewport=SCREEN).new_page()
                    projector.goto(f"{base}/scherm?k={token}")
                    expect(projector.get_by_test_id("live-ballots")).to_have_text("0", timeout=120_000)
                    projector.evaluate(WATCH, ["[data-testid='live-ballots']", ""])
                    ready = [
                        vote_points_on_phone(browser, base, code, {"1.1": 6, "1.3": 4}, submit=False)
                        for _ in range(phones)
                    ]
                    for n, phone in enumerate(ready, start=1):
                        wait_idle(phone)
                        phone.evaluate(WATCH, [None, "Dank u wel"])
                        phone.get_by_role("button", name="Stem versturen").click()
                        expect(phone.get_by_text("Dank u wel! Uw stem is ontvangen.")).to_be_visible(
                            timeout=60_000
                        )
                        expect(projector.get_by_test_id("live-ballots")).to_have_text(str(n), timeout=60_000)
                        thanked = phone.evaluate("window.__seen['Dank u wel']")
                        shown = projector.evaluate(f"window.__seen['{n}']")
                        delays.append((shown - thanked) / 1000)
                        phone.context.close()
                    projector.context.close()
                browser.close()
        finally:
            stop_server(server)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    delays = measure(args.phones, args.rounds)
    ordered = sorted(delays)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"phones per round: {args.phones}, rounds: {args.rounds}, votes: {len(delays)}")
    print(f"load average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}")
    print(
        f"thanked → on the projector: p50 {statistics.median(delays):.2f} s, p95 {p95:.2f} s, "
        f"max {max(delays):.2f} s (target p95 ≤ 1 s)"
    )
    print(f"wall time: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
