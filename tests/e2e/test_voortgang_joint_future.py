"""The Voortgang page in a real browser for a joint trajectory whose plan has not begun, made from nothing on
the command line: each member sees its own indicators, each as a chart with the target line and its verdict
(measured this year and last year, after the nulmeting, before the plan's first year), and the survey's margin
under the chart. Screenshots at 1920×1080 in /tmp/shots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ivp_core.dutch import local_today
from tests.cycle.seed import cli
from tests.e2e.support import ServedApp, facilitator_screen, wait_idle

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")
YEAR = local_today().year


def _joint_future_plan() -> int:
    tid = cli(
        "trajectory", "create", "--title", "IVP Dalfsen en Kampen", "--period", f"{YEAR + 1}-{YEAR + 4}",
        "--municipality", "GM0148=Dalfsen", "--municipality", "GM0166=Kampen",
    ).strip()  # fmt: skip
    for code, themes in (("GM0148", "1.3,4.1"), ("GM0166", "4.1")):
        cli(
            "decide", "--trajectory", tid, "--municipality", code, "--themes", themes, "--gremium", "raad",
            "--date", local_today().isoformat(), "--status", "vastgesteld", "--reason", "keuze van de raad",
        )  # fmt: skip
    indicators = (
        ("GM0148", "1.3", "Woninginbraken", "12.5", "9.0", ("12,1", "11.8")),
        ("GM0148", "4.1", "Verkeersongevallen met letsel", "40", "30", ("38", "36")),
        ("GM0166", "4.1", "Verkeersongevallen met letsel", "55", "45", ("56", "57")),
    )
    for code, theme, name, baseline, target, values in indicators:
        ind = cli(
            "indicator", "add", "--trajectory", tid, "--municipality", code, "--theme", theme, "--name", name,
            "--source", "Gemeente", "--baseline", f"{YEAR - 2}={baseline}", "--target", f"{YEAR + 4}={target}",
        ).strip()  # fmt: skip
        for year, value in zip((YEAR - 1, YEAR), values, strict=True):
            cli("indicator", "measure", "--indicator", ind, "--year", str(year), "--value", value)
    return int(tid)


def test_each_member_of_a_joint_plan_still_to_come_sees_its_charts(
    real_installation: ServedApp, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    SHOTS.mkdir(exist_ok=True)
    monkeypatch.setenv("DATABASE_URL", real_installation.database_url)
    tid = _joint_future_plan()
    page = facilitator_screen(browser, real_installation.base_url, f"voortgang?traject={tid}", "Voortgang")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(f"IVP Dalfsen en Kampen {YEAR + 1}–{YEAR + 4} · Dalfsen")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(2, timeout=30_000)
    # burglaries: the line from 12,5 to 9 over six years is at 11,33 this year, 11,8 lies above it: behind;
    # accidents: the line from 40 to 30 is at 36,67, 36 lies below it: on course
    expect(main.get_by_text("Achter op schema")).to_have_count(2)  # the metric's label and one badge
    expect(main.get_by_text("Op koers")).to_have_count(2)
    expect(main.get_by_text(f"gemeten 11,8 ({YEAR})", exact=False)).to_be_visible()
    page.screenshot(path=str(SHOTS / "voortgang_joint_future_dalfsen_1920.png"))

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name="Gemeente").click()
    page.get_by_role("option", name="Kampen").click()
    wait_idle(page, 60_000)
    expect(main.get_by_text(f"IVP Dalfsen en Kampen {YEAR + 1}–{YEAR + 4} · Kampen")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(1, timeout=30_000)
    expect(main.get_by_text(f"gemeten 57 ({YEAR})", exact=False)).to_be_visible()
    expect(main.get_by_text("Achter op schema")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "voortgang_joint_future_kampen_1920.png"))
