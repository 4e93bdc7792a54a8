"""Serving the app on loopback, for the measurements in bench/ and the browser tests (tests/e2e/support.py).

One way to pick a free port, start `streamlit run`, wait until the server answers its health check and stop it
again, so a change in how the app is served (a new option, a slower start on a loaded machine) is made once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_command(
    target: str, port: int, *extra_args: str, runner: Sequence[str] = ("-m", "streamlit")
) -> list[str]:
    """`python -m streamlit run <target>` on 127.0.0.1:`port`: the deployment guide's command, nothing more.

    Every other setting (no file watcher, headless, no usage stats, no GC after each run) comes from
    `.streamlit/config.toml`, which Streamlit reads next to the app whatever the working directory, so the
    benches and the browser tests measure exactly what docs/deployment.md and `scripts/start.sh` start
    (tests/load/test_start_config.py). `runner` replaces `-m streamlit` for a wrapper that takes the same
    arguments (bench.counted_server).
    """
    return [
        sys.executable, *runner, "run", target, "--server.address", "127.0.0.1", "--server.port", str(port),
        *extra_args,
    ]  # fmt: skip


def start_server(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """The server in a session of its own (so :func:`stop_server` ends it with its children), output to `log`."""
    if log is None:
        return subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    with log.open("ab") as output:
        return subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_healthy(
    base_url: str, process: subprocess.Popen[bytes], timeout: float, *, log: Path | None = None
) -> None:
    """Until `/_stcore/health` answers 200 through `base_url` (a server, or a proxy in front of one).

    Raises RuntimeError when the process stops first or the time runs out; with `log`, the message carries
    the server's output, which says why.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = f"; log:\n{log.read_text(errors='replace')}" if log is not None and log.exists() else ""
            raise RuntimeError(f"process stopped at start-up (exit code {process.returncode}){said}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base_url} not healthy within {timeout:.0f} s")


def stop_server(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """`sig` to the server's whole session; SIGKILL if it has not stopped within `timeout`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
