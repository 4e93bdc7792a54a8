"""A really served app (streamlit run) on a free loopback port, and headless Debian Chromium to drive it.

The fixtures are registered once, in tests/conftest.py, so every folder shares one Chromium: a second
Playwright sync driver in the same process refuses to start."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("IVP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServedApp:
    """One `streamlit run app.py` process; can be killed and started again on the same database."""

    database_url: str
    state_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "IVP_STATE_DIR": str(self.state_dir),
            "IVP_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **self.extra_env,
        }
        self.log_path = self.state_dir / f"server-{self.port}.log"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless", "true",
                "--server.port", str(self.port),
                "--server.address", "127.0.0.1",
                "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server stopped at start-up; log:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not become healthy in time")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def served_app(database_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    """The app served on an empty, migrated database (the app loads the demo into it at start-up)."""
    state = tmp_path / "served"
    state.mkdir()
    app = ServedApp(database_url=database_url, state_dir=state)
    app.start()
    try:
        yield app
    finally:
        app.kill(signal.SIGTERM)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# Idle means: the script is not running, the main area shows something, and both held for a moment. The
# moment matters: between a run that calls st.rerun() and the next run (or right after a click, before the
# rerun has started) the attribute already reads "notRunning" for a few milliseconds.
_QUIET_MS = 200
_IDLE_JS = """([quietMs]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMain']");
  const idle = app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && main !== null && main.innerText.trim().length > 0;
  if (!idle) { window.__ivpIdleSince = undefined; return false; }
  window.__ivpIdleSince ??= performance.now();
  return performance.now() - window.__ivpIdleSince >= quietMs;
}"""


def wait_idle(page: object, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (it draws over a websocket after load)."""
    page.evaluate("window.__ivpIdleSince = undefined")  # type: ignore[attr-defined]
    page.wait_for_function(_IDLE_JS, arg=[_QUIET_MS], polling=50, timeout=timeout)  # type: ignore[attr-defined]
