"""The floor under `load_session --open-burst`: what a bare Streamlit page costs per open on this machine.

    python -m bench.open_floor --opens 300                 # one text and one radio
    python -m bench.open_floor --opens 300 --elements 75   # plus 75 short st.markdown elements

Same client (`bench.st_client`), same meter (server CPU from /proc) and same burst shape as the vote page's
open burst, but the served script is a throw-away page (with this app's `.streamlit/config.toml`) without this app: no navigation, no database, no
cookies. The difference between this figure and the vote page's CPU per open is what our own code costs;
running it with `--elements` gives Streamlit's own cost per element, so a cut in elements can be priced.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.load_session import ServerMeter, _loadavg, percentiles, start_line_burst
from bench.serve import ROOT, free_port, start_server, stop_server, streamlit_command, wait_healthy
from bench.st_client import StreamlitClient

BARE_PAGE = """
import streamlit as st

st.markdown("Kies een cijfer.")
for i in range({elements}):
    st.markdown(f"**Onderwerp {{i}}**  \\nEen korte uitleg van een regel.")
st.radio("Cijfer", [1, 2, 3, 4, 5], index=None, horizontal=True, key="cijfer")
"""


async def _open(base_url: str, start: asyncio.Event, timeout: float, clients: list[StreamlitClient]) -> float:
    client = StreamlitClient(base_url, "")
    clients.append(client)
    await start.wait()
    t0 = time.monotonic()
    await client.connect(timeout)
    run = await client.rerun(timeout=timeout)
    if not any(w.kind == "radio" for w in run.widgets()):
        raise RuntimeError("no radio on the bare page")
    return time.monotonic() - t0


async def burst(base_url: str, pid: int, opens: int, timeout: float = 120.0) -> dict[str, object]:
    warm = StreamlitClient(base_url, "")
    await warm.connect(timeout)
    await warm.rerun(timeout=timeout)
    await warm.close()
    results, usage = await start_line_burst(
        opens, lambda _, start, clients: _open(base_url, start, timeout, clients), ServerMeter([pid])
    )
    times = [r for r in results if isinstance(r, float)]
    cpu_ms = (
        usage.cpu_percent / 100.0 * usage.seconds / opens * 1000 if usage.cpu_percent is not None else None
    )
    return {"rendered": len(times), "latency": percentiles(times), "cpu_ms_per_open": cpu_ms, "usage": usage}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--opens", type=int, default=300)
    parser.add_argument("--elements", type=int, default=0, help="extra st.markdown elements on the page")
    parser.add_argument("--server-option", action="append", default=[], help="extra `streamlit run` option")
    args = parser.parse_args()
    if not 1 <= args.opens <= 500 or not 0 <= args.elements <= 500:
        raise SystemExit("--opens must be 1…500, --elements 0…500")
    with tempfile.TemporaryDirectory(prefix="ivp-floor-") as tmp:
        page = Path(tmp) / "bare.py"
        page.write_text(BARE_PAGE.format(elements=args.elements))
        # The app's own server settings (runner.postScriptGC = false above all), so the floor is comparable.
        (Path(tmp) / ".streamlit").mkdir()
        shutil.copyfile(ROOT / ".streamlit" / "config.toml", Path(tmp) / ".streamlit" / "config.toml")
        port = free_port()
        process = start_server(streamlit_command(str(page), port, *args.server_option), cwd=Path(tmp))
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_healthy(base_url, process, 60)
            load_before = _loadavg()
            out = asyncio.run(burst(base_url, process.pid, args.opens))
        finally:
            stop_server(process)
    lat = out["latency"]
    assert isinstance(lat, dict)
    print(f"bare page, {args.elements} extra elements: {out['rendered']} of {args.opens} rendered")
    print(f"open → radio       p50 {lat['p50'] * 1000:.0f} ms p95 {lat['p95'] * 1000:.0f} ms")
    print(f"CPU per open       {out['cpu_ms_per_open']:.1f} ms (server process)")
    print(f"note: load average (1 min) {load_before} before, {_loadavg()} after, on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
