"""Bounded load test: N participants join one session and vote at once on a served app, over Streamlit's own
websocket protocol (see `bench.st_client`), so 300 phones fit on a 2-core machine.

    python -m bench.load_session --serve --participants 40
    python -m bench.load_session --url http://127.0.0.1:8501 --code K7QX4MPA --database-url sqlite:///var/ivp.db

Each simulated participant opens `/stem?code=…` (which joins them), clicks one score per theme with a short
think time as a person does, and then all press "Stem versturen" together. Reported: latency from pressing
the button to the "Dank u wel" (which the page shows only after the commit) and to the ballot row's own
timestamp in the database; errors; and lost votes: acknowledged ballots that are missing from the database
or differ from what was sent. With `--presenter` a projector screen (the read-only presenter link, polling
as a browser does) watches the ballot count during the vote, and the script reports the delay from each
"Dank u wel" to the moment the screen showed that many ballots. With `--viewers K` it then opens K shared live screens for `--viewer-seconds`
and reports the server's CPU and how many live-tally queries the server sent per refresh interval.

Safety: loopback servers only, every count is capped, and a hard time limit stops the run (and the server
it started) whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, urlencode

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.fixture import SCALE, LoadSession, open_load_session, stored_ballots, token_key
from bench.serve import ROOT, free_port, start_server, stop_server, streamlit_command, wait_healthy
from bench.st_client import (
    NotLoopback,
    Run,
    StreamlitClient,
    require_loopback,
    string_state,
    trigger_state,
)
from ivp_core.consultation import sessions
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, Participant

T = TypeVar("T")
MAX_PARTICIPANTS: Final = 500
MAX_VIEWERS: Final = 100
MAX_SERVERS: Final = 4
MAX_TIME_LIMIT: Final = 900.0
PARTICIPANT_PAGE: Final = "stem"
LIVE_PAGE: Final = "live"
LOGIN_PAGE: Final = "inloggen"
PRESENTER_PAGE: Final = "scherm"
_BALLOT_COUNT: Final = re.compile(r"data-testid='live-ballots'[^>]*>(\d+)")
SUBMIT_LABEL: Final = "Stem versturen"
START_LABEL: Final = "Beginnen"  # a resident's first screen (pages/stem.py): the questions come after the tap
THANKS: Final = "Dank u wel"
_ERROR_LINE: Final = re.compile(r"^[\w.]+(Error|Exception)\b")  # the last line of a logged traceback
BALLOT_KEY_MARK: Final = "stem:"  # ui.widgets.ballot_form keys: "stem:<session id>:<theme code>"


@dataclass
class Vote:
    """One simulated participant, from page load to acknowledgement."""

    index: int
    token: str | None = None
    expected: dict[str, int] | None = None
    join_s: float | None = None
    submitted_wall: float | None = None
    ack_s: float | None = None
    error: str | None = None


@dataclass
class ServerUsage:
    seconds: float
    cpu_percent: float | None  # of one core; 200 % is both cores of a 2-core machine
    live_queries: int | None
    statements: int | None
    rss_mb: float | None = None  # resident memory of the server process(es) at the end
    script_cpu_s: float | None = None  # CPU of the page scripts' own threads (the rest: event loop, sessions)
    script_runs: int | None = None


@dataclass
class LiveCost:
    viewers: int
    interval_s: float
    refreshes: int  # fragment reruns the viewers received
    refresh_errors: int
    idle: ServerUsage
    watched: ServerUsage

    @property
    def live_queries_per_interval(self) -> float | None:
        if self.watched.live_queries is None or not self.watched.seconds:
            return None
        return self.watched.live_queries / (self.watched.seconds / self.interval_s)


@dataclass
class Report:
    participants: int
    joined: int
    acknowledged: int
    stored: int
    lost: int
    errors: list[str]
    ack_latency: dict[str, float | None]
    stored_latency: dict[str, float | None]
    join_latency: dict[str, float | None]
    vote_phase: ServerUsage | None
    live: LiveCost | None = None
    screen_latency: dict[str, float | None] | None = None  # thanked vote → presenter screen shows it
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.live is not None:
            out["live"]["live_queries_per_interval"] = self.live.live_queries_per_interval
        return out


def run_blocking(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a fresh thread, for callers whose thread already runs an event loop (Playwright's
    sync API in the same test session does)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# ------------------------------------------------------------------------------------------- figures


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "max": None}
    data = sorted(values)
    p95 = data[min(len(data) - 1, max(0, round(0.95 * len(data)) - 1))]
    return {"p50": statistics.median(data), "p95": p95, "max": data[-1]}


class ServerMeter:
    """CPU seconds of the server processes (from /proc) and the SQL counts `bench.counted_server` writes."""

    def __init__(self, pids: Sequence[int] = (), counts_paths: Sequence[Path] = ()) -> None:
        self.pids = list(pids)
        self.counts_paths = list(counts_paths)
        self._start: tuple[float, float | None, dict[str, int] | None] = (0.0, None, None)

    def _cpu(self) -> float | None:
        total = 0.0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total if self.pids else None

    def _rss_mb(self) -> float | None:
        total = 0
        for pid in self.pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                return None
            total += next(
                (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
            )
        return round(total / 1024, 1) if self.pids else None

    def _counts(self) -> dict[str, int] | None:
        total: Counter[str] = Counter()
        for path in self.counts_paths:
            try:
                total.update(json.loads(path.read_text())["counts"])
            except (OSError, ValueError, KeyError):
                return None
        return dict(total) if self.counts_paths else None

    async def start(self) -> None:
        await asyncio.sleep(0.3)  # the counts file is rewritten every 0.2 s
        self._start = (time.monotonic(), self._cpu(), self._counts())

    async def stop(self) -> ServerUsage:
        await asyncio.sleep(0.3)
        t0, cpu0, counts0 = self._start
        seconds = time.monotonic() - t0
        cpu1, counts1 = self._cpu(), self._counts()
        cpu = 100.0 * (cpu1 - cpu0) / seconds if cpu0 is not None and cpu1 is not None and seconds else None
        if counts0 is not None and counts1 is not None:
            live = counts1.get("live_tally", 0) - counts0.get("live_tally", 0)
            total = counts1.get("total", 0) - counts0.get("total", 0)
            script_cpu = (counts1.get("script_cpu_us", 0) - counts0.get("script_cpu_us", 0)) / 1e6
            runs = counts1.get("script_runs", 0) - counts0.get("script_runs", 0)
            return ServerUsage(round(seconds, 2), cpu, live, total, self._rss_mb(), script_cpu, runs)
        return ServerUsage(round(seconds, 2), cpu, None, None, self._rss_mb())


# --------------------------------------------------------------------------------------- participant


class Gate:
    """Opens when every participant has either arrived or dropped out: then all press the button together."""

    def __init__(self, expected: int) -> None:
        self.pending = expected
        self._open = asyncio.Event()
        if expected <= 0:
            self._open.set()

    def leave(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self._open.set()

    async def arrive(self) -> None:
        self.leave()
        await self._open.wait()


def _ballot_radios(run: Run) -> dict[str, tuple[str, bool]]:
    """Theme code → (radio widget id, inside a form), from the keys `ui.widgets.ballot_form` gives the score radios."""
    out: dict[str, tuple[str, bool]] = {}
    for w in run.widgets():
        if w.kind == "radio" and BALLOT_KEY_MARK in w.id:
            out[w.id.rsplit(":", 1)[-1]] = (w.id, bool(w.form_id))
    return out


def _problem(run: Run) -> str | None:
    found = run.exceptions() + run.alerts("ERROR")
    return found[0] if found else None


async def past_start_screen(client: StreamlitClient, run: Run, timeout: float) -> Run:
    """On a resident's first screen, tap "Beginnen" at once (the worst case: nobody reads first)."""
    if _ballot_radios(run) or not any(w.kind == "button" and w.label == START_LABEL for w in run.widgets()):
        return run
    run = await client.rerun([trigger_state(run.find("button", START_LABEL).id)], timeout=timeout)
    if problem := _problem(run):
        raise RuntimeError(f"Beginnen: {problem}")
    return run


async def participant(
    vote: Vote,
    base_url: str,
    code: str,
    gate: Gate,
    rng: random.Random,
    think_s: float,
    timeout: float,
    submit_window_s: float = 0.0,
) -> None:
    client = StreamlitClient(base_url, PARTICIPANT_PAGE, urlencode({"code": code}))
    at_gate = False
    try:
        t0 = time.monotonic()
        await client.connect(timeout)
        run = await client.rerun(timeout=timeout)
        if problem := _problem(run):
            raise RuntimeError(f"join: {problem}")
        run = await past_start_screen(client, run, timeout)
        vote.join_s = time.monotonic() - t0
        vote.token = parse_qs(client.query_string).get("t", [None])[0]
        radios = _ballot_radios(run)
        if not radios or not vote.token:
            raise RuntimeError(f"join: no ballot form on the page; texts: {run.texts()[:4]}")
        vote.expected = {theme: rng.choice(SCALE) for theme in radios}
        states = []
        for theme, (widget_id, in_form) in radios.items():
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
            states.append(string_state(widget_id, str(vote.expected[theme])))
            if in_form:
                continue  # a browser sends widgets inside st.form only with the submit button
            run = await client.rerun(states, timeout=timeout)
            if problem := _problem(run):
                raise RuntimeError(f"click: {problem}")
        button = run.find("button", SUBMIT_LABEL)
        at_gate = True
        await gate.arrive()
        await asyncio.sleep(rng.uniform(0, submit_window_s))
        vote.submitted_wall = time.time()
        t_submit = time.monotonic()
        run = await client.rerun(
            [*states, trigger_state(button.id)], fragment_id=button.fragment_id, timeout=timeout
        )
        if not any(THANKS in text for text in run.alerts("SUCCESS")):
            raise RuntimeError(f"submit: {_problem(run) or 'no thank-you shown'}")
        vote.ack_s = time.monotonic() - t_submit
    except Exception as exc:  # every failure is a counted error, never a crash of the whole run
        vote.error = f"{type(exc).__name__}: {exc}"[:300]
        if not at_gate:
            gate.leave()
    finally:
        await client.close()


@dataclass
class OpenBurst:
    """N phones opening the vote page in the same instant: latency to the first screen and its cost; then, on a
    resident's start screen, the same phones tapping "Beginnen" (all within `--read-seconds`): tap → ballot."""

    opens: int
    rendered: int
    errors: list[str]
    latency: dict[str, float | None]  # open → first screen (for council and werkgroep: the ballot)
    usage: ServerUsage | None
    taps: int = 0  # phones whose first screen was the start screen and that tapped "Beginnen"
    tap_latency: dict[str, float | None] | None = None  # tap → the ballot's questions
    tap_usage: ServerUsage | None = None

    @property
    def cpu_s_per_open(self) -> float | None:
        u = self.usage
        if u is None or u.cpu_percent is None or not self.opens:
            return None
        return u.cpu_percent / 100.0 * u.seconds / self.opens

    @property
    def statements_per_open(self) -> float | None:
        u = self.usage
        return None if u is None or u.statements is None or not self.opens else u.statements / self.opens


async def open_page(
    base_url: str, code: str, timeout: float, start: asyncio.Event, clients: list[StreamlitClient]
) -> tuple[float, StreamlitClient, Run]:
    """One phone opening `/stem?code=…`: seconds from connecting to the first screen (the ballot, or a
    resident's start screen with "Beginnen"), and the client and run to go on from."""
    client = StreamlitClient(base_url, PARTICIPANT_PAGE, urlencode({"code": code}))
    clients.append(client)  # closed by the caller after the whole burst: a real phone stays connected
    await start.wait()
    t0 = time.monotonic()
    await client.connect(timeout)
    run = await client.rerun(timeout=timeout)
    if problem := _problem(run):
        raise RuntimeError(f"open: {problem}")
    if not _ballot_radios(run) and not any(w.label == START_LABEL for w in run.widgets()):
        raise RuntimeError(f"open: neither the ballot nor its start screen; texts: {run.texts()[:4]}")
    return time.monotonic() - t0, client, run


async def tap_start(client: StreamlitClient, run: Run, delay: float, timeout: float) -> float:
    """After reading for `delay` seconds, tap "Beginnen": seconds from the tap to the ballot's questions."""
    await asyncio.sleep(delay)
    t0 = time.monotonic()
    run = await past_start_screen(client, run, timeout)
    if not _ballot_radios(run):
        raise RuntimeError(f"Beginnen: no ballot form after the tap; texts: {run.texts()[:4]}")
    return time.monotonic() - t0


#: One opening in a burst: (its number, the start line, where it leaves its client) → what it measured.
OpenOne = Callable[[int, asyncio.Event, list[StreamlitClient]], Coroutine[Any, Any, T]]


async def start_line_burst(
    opens: int, open_one: OpenOne[T], meter: ServerMeter, clients: list[StreamlitClient] | None = None
) -> tuple[list[T | BaseException], ServerUsage]:
    """All openings wait at one start line and go at once; the meter covers exactly the burst.

    Every client stays connected until the whole burst is done, as a real phone does, so the server carries
    all of them while the last ones open.
    """
    keep = clients is not None  # the caller goes on with the clients and closes them itself
    clients = [] if clients is None else clients
    start = asyncio.Event()
    tasks: list[asyncio.Task[T]] = [asyncio.create_task(open_one(i, start, clients)) for i in range(opens)]
    await asyncio.sleep(0)  # every task is waiting at the start line
    await meter.start()
    start.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    usage = await meter.stop()
    if not keep:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    return list(results), usage


async def open_burst(
    base_urls: str | Sequence[str],
    code: str,
    opens: int,
    *,
    meter: ServerMeter | None = None,
    timeout: float = 120.0,
    read_s: float = 0.0,
    seed: int = 1,
) -> OpenBurst:
    """All `opens` phones open the vote page at once (no voting): what a QR code on a big screen causes.

    Where the first screen is a resident's start screen, every phone then taps "Beginnen" after reading for a
    time drawn from 0…`read_s` seconds (0: all in the same instant, the worst case).
    """
    urls = [require_loopback(u) for u in ([base_urls] if isinstance(base_urls, str) else base_urls)]
    meter = meter or ServerMeter()
    for url in urls:
        await warm_up(url, timeout)
    clients: list[StreamlitClient] = []
    try:
        results, usage = await start_line_burst(
            opens,
            lambda i, start, clients: open_page(urls[i % len(urls)], code, timeout, start, clients),
            meter,
            clients,
        )
        opened = [r for r in results if not isinstance(r, BaseException)]
        errors = [
            f"#{i}: {type(r).__name__}: {r}"[:300]
            for i, r in enumerate(results)
            if isinstance(r, BaseException)
        ]
        burst = OpenBurst(opens, len(opened), errors, percentiles([r[0] for r in opened]), usage)
        starting = [(client, run) for _, client, run in opened if not _ballot_radios(run)]
        if starting:
            rng = random.Random(seed)
            await meter.start()
            taps = await asyncio.gather(
                *(tap_start(client, run, rng.uniform(0, read_s), timeout) for client, run in starting),
                return_exceptions=True,
            )
            burst.tap_usage = await meter.stop()
            burst.errors += [
                f"tap: {type(t).__name__}: {t}"[:300] for t in taps if isinstance(t, BaseException)
            ]
            burst.taps = len(starting)
            burst.tap_latency = percentiles([t for t in taps if isinstance(t, float)])
        return burst
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


# -------------------------------------------------------------------------------------- live viewers


async def open_live_screen(base_url: str, session_id: int, password: str, timeout: float) -> StreamlitClient:
    """Log in as the facilitator (the live screen is a facilitator page) and open the session's live screen."""
    client = StreamlitClient(base_url, LOGIN_PAGE)
    await client.connect(timeout)
    run = await client.rerun(timeout=timeout)
    field, button = run.find("text_input", "Wachtwoord"), run.find("button", "Inloggen")
    # Where the login page goes next does not matter here; whether the live page opens below tells.
    await client.rerun([string_state(field.id, password), trigger_state(button.id)], timeout=timeout)
    client.query_string = urlencode({"sessie": session_id})
    run = await client.rerun(page_name=LIVE_PAGE, timeout=timeout)
    if problem := _problem(run):
        raise RuntimeError(f"live screen: {problem}")
    return client


async def viewer(
    base_url: str, session_id: int, password: str, seconds: float, refreshes: list[int], timeout: float
) -> None:
    """One shared screen: open the live page, then rerun its fragment at the interval the page asked for."""
    client: StreamlitClient | None = None
    try:
        client = await open_live_screen(base_url, session_id, password, timeout)
        if client.auto_rerun is None:
            raise RuntimeError("the live page did not ask for an automatic refresh")
        interval, fragment = client.auto_rerun
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await asyncio.sleep(interval)
            await client.rerun(fragment_id=fragment, auto=True, timeout=timeout)
            refreshes[0] += 1
    except Exception:
        refreshes[1] += 1
    finally:
        if client is not None:
            await client.close()


async def measure_live(
    base_url: str,
    session_id: int,
    password: str,
    viewers: int,
    seconds: float,
    meter: ServerMeter,
    timeout: float,
) -> LiveCost:
    await meter.start()
    await asyncio.sleep(min(seconds, 5.0))
    idle = await meter.stop()
    probe = await open_live_screen(base_url, session_id, password, timeout)
    await probe.close()
    if probe.auto_rerun is None:
        raise RuntimeError("the live page did not ask for an automatic refresh (no run_every fragment)")
    interval = probe.auto_rerun[0]
    counts = [0, 0]
    tasks = [
        asyncio.create_task(viewer(base_url, session_id, password, seconds, counts, timeout))
        for _ in range(viewers)
    ]
    await asyncio.sleep(min(3.0, seconds / 3))  # let every screen load before measuring the steady state
    await meter.start()
    await asyncio.gather(*tasks)
    watched = await meter.stop()
    return LiveCost(viewers, interval, counts[0], counts[1], idle, watched)


async def presenter_screen(
    base_url: str, token: str, seen: list[tuple[float, int]], stop: asyncio.Event, timeout: float
) -> None:
    """The projector: open the presenter link and rerun its fastest timed fragment as the browser's timer
    does (interval after the previous run finished), noting the wall time whenever the ballot count rises."""
    client = StreamlitClient(base_url, PRESENTER_PAGE, urlencode({"k": token}))
    try:
        await client.connect(timeout)
        run = await client.rerun(timeout=timeout)
        if client.auto_rerun is None:
            raise RuntimeError(f"the presenter page did not ask for a refresh; texts: {run.texts()[:3]}")
        interval, fragment = client.auto_rerun
        while not stop.is_set():
            for text in run.texts():
                if found := _BALLOT_COUNT.search(text):
                    count = int(found.group(1))
                    if not seen or count > seen[-1][1]:
                        seen.append((time.time(), count))
            await asyncio.sleep(interval)
            run = await client.rerun(fragment_id=fragment, auto=True, timeout=timeout)
    finally:
        await client.close()


def screen_delays(votes: Sequence[Vote], seen: Sequence[tuple[float, int]]) -> list[float]:
    """The k-th thanked vote (in time order) is on screen when the count first reaches k."""
    thanked = sorted(
        v.submitted_wall + v.ack_s for v in votes if v.ack_s is not None and v.submitted_wall is not None
    )
    delays = []
    for k, at in enumerate(thanked, start=1):
        shown = next((t for t, count in seen if count >= k), None)
        if shown is not None:
            delays.append(max(0.0, shown - at))
    return delays


# ------------------------------------------------------------------------------------------ the run


def _as_utc(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def check_stored(database_url: str, session_id: int, votes: Sequence[Vote]) -> tuple[int, int, list[float]]:
    """(stored ballots, lost acknowledged ballots, submit→row-timestamp seconds) straight from the database."""
    engine = db.get_engine(database_url)
    stored = stored_ballots(engine, session_id)
    with db.session_scope(engine) as s:
        stamps = dict(
            s.execute(
                select(Participant.token_hash, Ballot.updated_at)
                .join(Ballot, Ballot.participant_id == Participant.id)
                .where(Ballot.session_id == session_id)
            ).all()
        )
    lost = 0
    delays: list[float] = []
    for vote in votes:
        if vote.ack_s is None or vote.token is None:
            continue
        key = token_key(session_id, vote.token)
        if stored.get(key) != vote.expected:
            lost += 1
        elif vote.submitted_wall is not None and key in stamps:
            delays.append(max(0.0, _as_utc(stamps[key]) - vote.submitted_wall))
    return len(stored), lost, delays


async def warm_up(base_url: str, timeout: float = 60.0) -> None:
    """Open the start page once, as the facilitator does before a session starts.

    The server's one-time work (migrations check, catalogue, first imports) then happens before the burst
    and is not counted as participant latency.
    """
    warm = StreamlitClient(base_url, "")
    await warm.connect(timeout)
    await warm.rerun(timeout=timeout)
    await warm.close()


async def run_load(
    base_urls: str | Sequence[str],
    database_url: str,
    code: str,
    participants: int,
    *,
    think_s: float = 0.5,
    submit_window_s: float = 0.0,
    viewers: int = 0,
    viewer_seconds: float = 20.0,
    meter: ServerMeter | None = None,
    timeout: float = 60.0,
    seed: int = 1,
    presenter: bool = False,
) -> Report:
    """Participant i talks to server i mod len(base_urls), as a proxy spreads browsers over app servers."""
    urls = [require_loopback(u) for u in ([base_urls] if isinstance(base_urls, str) else base_urls)]
    meter = meter or ServerMeter()
    with db.session_scope(db.get_engine(database_url)) as s:
        found = sessions.find_by_code(s, code)
    if found is None:
        raise SystemExit(f"no session with code {code!r} in {make_url(database_url).render_as_string()}")
    for url in urls:
        await warm_up(url, timeout)

    seen: list[tuple[float, int]] = []
    stop_screen = asyncio.Event()
    screen_task = None
    if presenter:
        from ivp_core.access.presenter import create_link

        with db.session_scope(db.get_engine(database_url)) as s:
            token = create_link(s, found.id)
        screen_task = asyncio.create_task(presenter_screen(urls[0], token, seen, stop_screen, timeout))
        await asyncio.sleep(3.0)  # the projector is on before the members start

    load_before = _loadavg()
    rng = random.Random(seed)
    votes = [Vote(i) for i in range(participants)]
    gate = Gate(participants)
    await meter.start()
    client_cpu0 = time.process_time()
    await asyncio.gather(
        *(
            participant(
                v,
                urls[v.index % len(urls)],
                code,
                gate,
                random.Random(rng.random()),
                think_s,
                timeout,
                submit_window_s,
            )
            for v in votes
        )
    )
    vote_usage = await meter.stop()
    client_cpu = time.process_time() - client_cpu0
    if screen_task is not None:
        await asyncio.sleep(3.0)  # time for the last thanked votes to reach the screen
        stop_screen.set()
        await screen_task
    stored, lost, stored_delays = check_stored(database_url, found.id, votes)
    acked = [v for v in votes if v.ack_s is not None]
    report = Report(
        participants=participants,
        joined=sum(1 for v in votes if v.token),
        acknowledged=len(acked),
        stored=stored,
        lost=lost,
        errors=[f"#{v.index}: {v.error}" for v in votes if v.error],
        ack_latency=percentiles([v.ack_s for v in acked if v.ack_s is not None]),
        stored_latency=percentiles(stored_delays),
        join_latency=percentiles([v.join_s for v in votes if v.join_s is not None]),
        vote_phase=vote_usage,
    )
    if presenter:
        delays = screen_delays(votes, seen)
        report.screen_latency = percentiles(delays)
        report.notes.append(f"presenter screen saw {len(delays)} of {len(acked)} thanked votes")
    report.notes.append(
        f"machine load average (1 min) {load_before} before, {_loadavg()} after the vote phase "
        f"on {os.cpu_count()} cores: other work on the machine slows every figure"
    )
    report.notes.append(f"this load client itself used {client_cpu:.2f} s CPU on the same machine")
    if viewers:
        password = os.environ.get("IVP_ADMIN_PASSWORD", "")
        report.live = await measure_live(urls[0], found.id, password, viewers, viewer_seconds, meter, timeout)
    return report


# ------------------------------------------------------------------------------------------- server


@dataclass
class Served:
    base_url: str
    database_url: str
    process: subprocess.Popen[bytes]
    counts_path: Path
    log_path: Path

    def stop(self) -> None:
        stop_server(self.process)


def serve(
    workdir: Path, database_url: str, *, extra_args: Sequence[str] = (), timeout: float = 60.0
) -> Served:
    """`streamlit run app.py` on loopback through `bench.counted_server`, healthy before this returns."""
    port = free_port()
    counts = workdir / f"sql-counts-{port}.json"
    log = workdir / f"server-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "IVP_STATE_DIR": str(workdir / "state"),
        "IVP_ADMIN_PASSWORD": os.environ.setdefault("IVP_ADMIN_PASSWORD", "belastingproef"),
        "PYTHONPATH": str(ROOT),
    }
    command = streamlit_command(
        "app.py", port, *extra_args, runner=("-m", "bench.counted_server", str(counts))
    )
    process = start_server(command, cwd=ROOT, env=env, log=log)
    served = Served(f"http://127.0.0.1:{port}", database_url, process, counts, log)
    try:
        wait_healthy(served.base_url, process, timeout)
    except RuntimeError as exc:
        served.stop()
        raise RuntimeError(f"{exc}; see {log}") from exc
    return served


# ---------------------------------------------------------------------------------------------- CLI


def _print(report: Report) -> None:
    def fmt(stats: dict[str, float | None]) -> str:
        return " ".join(f"{k} {v * 1000:.0f} ms" if v is not None else f"{k} –" for k, v in stats.items())

    print(f"participants       {report.participants} (joined {report.joined})")
    print(f"acknowledged       {report.acknowledged}")
    print(f"stored in database {report.stored}")
    print(f"lost votes         {report.lost}   (acknowledged but missing or different in the database)")
    print(f"errors             {len(report.errors)}")
    for line in report.errors[:10]:
        print(f"  {line}")
    print(f"join (page load)   {fmt(report.join_latency)}")
    print(f"submit → thank you {fmt(report.ack_latency)}")
    print(f"submit → stored    {fmt(report.stored_latency)}   (ballot row timestamp)")
    if report.screen_latency is not None:
        print(f"thanked → screen   {fmt(report.screen_latency)}   (presenter link, count on the projector)")
    if report.vote_phase and report.vote_phase.cpu_percent is not None:
        u = report.vote_phase
        print(
            f"server during vote {u.cpu_percent:.0f}% CPU over {u.seconds:.1f} s, {u.statements} SQL statements"
        )
        print(f"server memory      {u.rss_mb} MB resident after the vote phase")
    if report.live:
        lc = report.live
        idle, watched = lc.idle, lc.watched
        print(
            f"live screens       {lc.viewers} viewers, refresh every {lc.interval_s:g} s, "
            f"{lc.refreshes} refreshes, {lc.refresh_errors} viewer errors"
        )
        if idle.cpu_percent is not None and watched.cpu_percent is not None:
            print(f"  server CPU       idle {idle.cpu_percent:.0f}%  with viewers {watched.cpu_percent:.0f}%")
            print(f"  server memory    {watched.rss_mb} MB resident after the viewers")
        per = lc.live_queries_per_interval
        if per is not None:
            verdict = "shared (≈1 per interval)" if per <= 1.5 else f"NOT shared ({lc.viewers} viewers)"
            print(
                f"  live-tally queries per interval {per:.2f}: {verdict}; "
                f"all SQL statements {watched.statements} in {watched.seconds:.0f} s"
            )
    for note in report.notes:
        print(f"note: {note}")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python -m bench.load_session")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--serve", action="store_true", help="start a server on a temporary database")
    where.add_argument("--url", help="a running server on loopback, e.g. http://127.0.0.1:8501")
    p.add_argument("--code", help="session code (with --url)")
    p.add_argument(
        "--servers",
        type=int,
        default=1,
        help="with --serve: app servers on one database, participants spread",
    )
    p.add_argument(
        "--database-url",
        help="database of the --url server, to check what was stored "
        "(default: DATABASE_URL); with --serve: use this database instead of a temporary SQLite file",
    )
    p.add_argument("--participants", type=int, default=40)
    p.add_argument("--think", type=float, default=0.5, help="mean seconds between a participant's clicks")
    p.add_argument(
        "--submit-window",
        type=float,
        default=0.0,
        help="spread the button presses over this many seconds (0: all in the same instant, the worst case)",
    )
    p.add_argument(
        "--presenter",
        action="store_true",
        help="watch the vote on a presenter screen; report thanked → screen",
    )
    p.add_argument("--viewers", type=int, default=0, help="shared live screens to measure afterwards")
    p.add_argument("--viewer-seconds", type=float, default=20.0)
    p.add_argument("--server-pid", type=int, help="with --url: measure this process's CPU")
    p.add_argument("--time-limit", type=float, default=300.0, help="hard stop, seconds")
    p.add_argument(
        "--server-option",
        action="append",
        default=[],
        metavar="--section.key=value",
        help="extra streamlit option for --serve, e.g. --server-option=--runner.postScriptGC=false",
    )
    p.add_argument(
        "--open-burst",
        type=int,
        metavar="N",
        help="instead of a vote: N phones open the vote page in the same instant; report the open p95, "
        "server CPU seconds and SQL statements per open",
    )
    p.add_argument(
        "--kind",
        default="raadscommissie",
        choices=("raadscommissie", "inwonersconsultatie"),
        help="with --serve: the kind of session to put load on (residents see the longer page)",
    )
    p.add_argument(
        "--read-seconds",
        type=float,
        default=0.0,
        help="with --open-burst on a resident's start screen: each phone taps Beginnen after 0…S s of reading "
        "(0: all in the same instant, the worst case)",
    )
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    return p


def _print_burst(burst: OpenBurst, notes: Sequence[str]) -> None:
    def stats(latency: dict[str, float | None]) -> str:
        return " ".join(f"{k} {v * 1000:.0f} ms" if v is not None else f"{k} –" for k, v in latency.items())

    print(f"page opens         {burst.opens} at once, {burst.rendered} showed their first screen")
    print(f"errors             {len(burst.errors)}")
    for line in burst.errors[:10]:
        print(f"  {line}")
    first = "open → first screen" if burst.taps else "open → ballot"
    print(f"{first:<20}{stats(burst.latency)}")
    u = burst.usage
    if u is not None and u.cpu_percent is not None:
        print(f"server during burst {u.cpu_percent:.0f}% CPU over {u.seconds:.1f} s")
    if burst.cpu_s_per_open is not None:
        print(f"CPU per open       {burst.cpu_s_per_open * 1000:.1f} ms (server processes)")
    if burst.statements_per_open is not None:
        print(f"SQL per open       {burst.statements_per_open:.2f} statements")
    if u is not None and u.script_cpu_s is not None and burst.opens:
        print(
            f"of which the script {u.script_cpu_s / burst.opens * 1000:.1f} ms per open "
            f"({u.script_runs} script runs, each on its own thread's clock)"
        )
    if u is not None:
        print(f"server memory      {u.rss_mb} MB resident after the burst")
    if burst.taps and burst.tap_latency is not None:
        print(f"Beginnen → ballot  {stats(burst.tap_latency)} ({burst.taps} phones tapped)")
        t = burst.tap_usage
        if t is not None and t.cpu_percent is not None:
            print(
                f"CPU per tap        {t.cpu_percent / 100.0 * t.seconds / burst.taps * 1000:.1f} ms (server processes)"
            )
    for note in notes:
        print(f"note: {note}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not 1 <= args.participants <= MAX_PARTICIPANTS:
        raise SystemExit(f"--participants must be 1…{MAX_PARTICIPANTS}")
    if args.open_burst is not None and not 1 <= args.open_burst <= MAX_PARTICIPANTS:
        raise SystemExit(f"--open-burst must be 1…{MAX_PARTICIPANTS}")
    if not 1 <= args.servers <= MAX_SERVERS:
        raise SystemExit(f"--servers must be 1…{MAX_SERVERS}")
    if not 0 <= args.viewers <= MAX_VIEWERS:
        raise SystemExit(f"--viewers must be 0…{MAX_VIEWERS}")
    if not 0 < args.time_limit <= MAX_TIME_LIMIT or not 0 < args.viewer_seconds <= 300:
        raise SystemExit(f"--time-limit must be at most {MAX_TIME_LIMIT:.0f} s, --viewer-seconds at most 300")
    try:
        if args.url:
            require_loopback(args.url)
        if args.database_url and make_url(args.database_url).host not in (
            None,
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            raise NotLoopback(f"database host {make_url(args.database_url).host!r} is not loopback")
    except NotLoopback as exc:
        raise SystemExit(f"refused: {exc}") from exc

    served: list[Served] = []
    with tempfile.TemporaryDirectory(prefix="ivp-load-") as tmp:
        try:
            if args.serve:
                database_url = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
                session: LoadSession = open_load_session(db.get_engine(database_url), kind=args.kind)
                db.dispose_engines()
                for _ in range(args.servers):
                    served.append(serve(Path(tmp), database_url, extra_args=args.server_option))
                base_urls, code = [s.base_url for s in served], session.code
                meter = ServerMeter([s.process.pid for s in served], [s.counts_path for s in served])
            else:
                database_url = args.database_url or os.environ.get("DATABASE_URL", "")
                if not args.code or not database_url:
                    raise SystemExit("--url needs --code and --database-url (or DATABASE_URL)")
                base_urls, code = args.url, args.code
                meter = ServerMeter([args.server_pid] if args.server_pid else [])
            if args.open_burst is not None:
                load_before = _loadavg()
                client_cpu0 = time.process_time()
                burst = asyncio.run(
                    asyncio.wait_for(
                        open_burst(base_urls, code, args.open_burst, meter=meter, read_s=args.read_seconds),
                        args.time_limit,
                    )
                )
                notes = [
                    f"machine load average (1 min) {load_before} before, {_loadavg()} after the burst "
                    f"on {os.cpu_count()} cores: other work on the machine slows every figure",
                    f"this load client itself used {time.process_time() - client_cpu0:.2f} s CPU on the same machine",
                    f"{len(served) or 'a running'} app server(s) on {database_url.split(':', 1)[0]}, "
                    f"session kind {args.kind}, options {' '.join(args.server_option) or '(defaults)'}",
                ]
                _print_burst(burst, notes)
                if args.json:
                    args.json.write_text(
                        json.dumps(
                            {
                                **asdict(burst),
                                "cpu_s_per_open": burst.cpu_s_per_open,
                                "statements_per_open": burst.statements_per_open,
                                "notes": notes,
                            },
                            indent=2,
                            default=str,
                        )
                    )
                return 0 if not burst.errors else 1
            report = asyncio.run(
                asyncio.wait_for(
                    run_load(
                        base_urls, database_url, code, args.participants, think_s=args.think, submit_window_s=args.submit_window,
                        viewers=args.viewers, viewer_seconds=args.viewer_seconds, meter=meter,
                        presenter=args.presenter,
                    ),
                    args.time_limit,
                )
            )  # fmt: skip
        except TimeoutError:
            print(f"stopped: the hard time limit of {args.time_limit:.0f} s was reached", file=sys.stderr)
            return 2
        finally:
            kept = []
            for server in served:
                server.stop()
                kept.append(Path(tempfile.gettempdir()) / f"ivp-load-{server.log_path.name}")
                shutil.copyfile(server.log_path, kept[-1])
            db.dispose_engines()
    if served:
        causes = Counter(
            line for log in kept for line in log.read_text().splitlines() if _ERROR_LINE.match(line)
        )
        for line, n in causes.most_common(5):
            report.notes.append(f"server log ({n}×): {line[:200]}")
        report.notes.append(f"server logs kept in {', '.join(map(str, kept))}")
        report.notes.append(
            f"{len(served)} app server(s) started by this script on {database_url.split(':', 1)[0]}, "
            f"options {' '.join(args.server_option) or '(defaults)'}"
        )
    _print(report)
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2, default=str))
    return 0 if not report.errors and not report.lost else 1


if __name__ == "__main__":
    sys.exit(main())
