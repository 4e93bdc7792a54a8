"""The coordinator restores a backup in the browser: an unsigned file needs an explicit tick, a trajectory
with the same name needs a choice, and the restore ends with the new trajectory named on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from ivp_core.backup.archive import SIGNATURE_NAME, export_trajectory
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import Trajectory
from tests.backup.tamper import members, rezip
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.support import ServedApp, wait_idle

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")
SCREEN = {"width": 1920, "height": 1080}


def test_unsigned_backup_needs_a_tick_then_restores_as_copy(
    served_app: ServedApp, browser: Browser, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport=SCREEN).new_page()  # type: ignore[attr-defined]
    page.goto(served_app.base_url)
    wait_idle(page)
    page.get_by_role("link", name="Inloggen begeleider").click()
    page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Live scherm")).to_be_visible(timeout=20_000)

    engine = get_engine(served_app.database_url)
    with session_scope(engine) as db:
        first = db.scalars(select(Trajectory).order_by(Trajectory.id)).first()
        assert first is not None
        name = first.name
        data = export_trajectory(db, first.id)
    unsigned = tmp_path / "elders.zip"
    unsigned.write_bytes(rezip({k: v for k, v in members(data).items() if k != SIGNATURE_NAME}))

    more = page.get_by_role("button", name="View 3 more")
    if more.count():
        more.click()
    page.get_by_role("link", name="Verslag en back-up").click()
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(str(unsigned))
    tick = page.get_by_text("Ik vertrouw de herkomst van dit bestand")
    expect(tick).to_be_visible(timeout=60_000)
    expect(page.get_by_text("niet ondertekend door deze installatie")).to_be_visible()
    wait_idle(page)
    page.screenshot(path=str(SHOTS / "backup_unsigned.png"), full_page=True)
    expect(page.get_by_role("button", name="Back-up inlezen")).to_have_count(0)

    tick.click()
    expect(page.get_by_text(f"Er bestaat hier al een traject '{name}'")).to_be_visible(timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Back-up inlezen").click()
    expect(page.get_by_text(f"Ingelezen als traject '{name} (kopie)'")).to_be_visible(timeout=120_000)
    wait_idle(page)
    page.screenshot(path=str(SHOTS / "backup_restored.png"), full_page=True)
    with session_scope(engine) as db:
        assert db.scalar(select(Trajectory.id).where(Trajectory.name == f"{name} (kopie)")) is not None
