"""deploy/nginx.conf.example really works: nginx on loopback in front of two app servers serves the app
(websocket included), keeps each browser on one app server, and spreads new browsers over both."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from bench.load_session import wait_healthy
from tests.e2e.support import ROOT, ServedApp, free_port, log_in, wait_idle

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "deploy" / "nginx.conf.example"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
)
NEW_BROWSERS = 20  # both servers get one: a miss would happen once in 2**19 runs


def _site_config(app_ports: tuple[int, int], listen_port: int) -> str:
    """The example with only the listen address and the two upstream addresses replaced."""
    text = EXAMPLE.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "server 127.0.0.1:8501 ": f"server 127.0.0.1:{app_ports[0]} ",
        "server 127.0.0.1:8502 ": f"server 127.0.0.1:{app_ports[1]} ",
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"deploy/nginx.conf.example no longer contains {old!r} once"
        text = text.replace(old, new)
    return text


def _main_config(workdir: Path, site: Path) -> str:
    """What Debian's nginx.conf provides around conf.d/, with every path in the test's own folder."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    log_format route '$ivp_route $upstream_addr $status $request_method $uri';
    access_log {workdir / "access.log"} route;
{temp}
    include {site};
}}
"""


class Proxy:
    def __init__(self, workdir: Path, app_ports: tuple[int, int]) -> None:
        self.port = free_port()
        self.workdir = workdir
        site = workdir / "ivp.conf"
        site.write_text(_site_config(app_ports, self.port))
        self.conf = workdir / "nginx.conf"
        self.conf.write_text(_main_config(workdir, site))
        self.access_log = workdir / "access.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert NGINX is not None
        check = subprocess.run(
            [NGINX, "-t", "-c", str(self.conf), "-e", str(self.workdir / "error.log")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.conf), "-e", str(self.workdir / "error.log")], start_new_session=True
        )
        try:
            wait_healthy(self.base_url, self.process, 20)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; nginx log: {(self.workdir / 'error.log').read_text()}") from exc

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: lets nginx write the last log lines
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a browser still holds a websocket open
                self.process.kill()
                self.process.wait(timeout=20)

    def routes(self) -> list[tuple[str, str, str, str]]:
        """(route cookie, upstream address, status, path) per logged request."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        out = []
        for line in lines:
            route, upstream, status, _method, path = line.split(" ", 4)
            out.append((route, upstream, status, path))
        return out


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[ServedApp, ServedApp]]:
    """Two app servers with the settings that must match: database, password and cookie secret."""
    shared = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    apps = tuple(
        ServedApp(database_url=database_url, state_dir=tmp_path / name, extra_env=shared)
        for name in ("app1", "app2")
    )
    try:
        for app in apps:
            app.state_dir.mkdir()
            app.start()
        yield apps  # type: ignore[misc]
    finally:
        for app in apps:
            app.kill(signal.SIGTERM)


def _oversize_answer(port: int) -> tuple[int, str]:
    """nginx's answer to an upload just over its limit (the headers say so; no body need be sent)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.putrequest("POST", "/_stcore/upload_file/x/y")
        conn.putheader("Content-Length", str(62 * 1024 * 1024))
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8").split(" Er is")[0]
    finally:
        conn.close()


@pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian package 'nginx'; scripts/test.sh installs it)"
)
def test_nginx_example_serves_the_app_with_websocket_and_sticky_sessions(
    two_servers: tuple[ServedApp, ServedApp], browser: Browser, tmp_path: Path
) -> None:
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    proxy = Proxy(workdir, (two_servers[0].port, two_servers[1].port))
    proxy.start()
    try:
        for _ in range(NEW_BROWSERS):
            with urllib.request.urlopen(f"{proxy.base_url}/", timeout=10) as resp:
                assert resp.status == 200
                assert "ivp_route=" in (resp.headers.get("Set-Cookie") or "")

        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        log_in(page, proxy.base_url)  # several script runs over the proxied websocket, state kept
        page.get_by_role("link", name="Live scherm").click()
        wait_idle(page)
        expect(page.get_by_role("heading", name="Inloggen begeleider")).to_have_count(0)
        page.screenshot(path=str(workdir / "through-nginx.png"))
        route = next(c["value"] for c in context.cookies() if c["name"] == "ivp_route")
        context.close()
        assert _oversize_answer(proxy.port) == (413, "Dit bestand is te groot: hoogstens 50 MB.")
    finally:
        proxy.stop()

    log = proxy.routes()
    first_visits = [entry for entry in log if entry[3] == "/" and entry[0] != route]
    assert len(first_visits) == NEW_BROWSERS
    assert {upstream for _, upstream, _, _ in first_visits} == {
        f"127.0.0.1:{app.port}" for app in two_servers
    }, "new browsers are not spread over both app servers"
    mine = [entry for entry in log if entry[0] == route]
    assert {upstream for _, upstream, _, _ in mine} and len({upstream for _, upstream, _, _ in mine}) == 1, (
        f"one browser was sent to several app servers: {mine}"
    )
    assert any(path.endswith("/_stcore/stream") and status == "101" for _, _, status, path in mine), mine
