"""A council room of 40 phones joins and votes at once on a really served app: no error and no lost vote.

The latency target (p95 under 1 s on a 2-core machine) is printed here and by `bench/load_session.py`, not
asserted: by the project's rule speed targets live in benchmark output, because a timed test fails on a busy
machine for reasons that have nothing to do with the change under test. The figures are in docs/deployment.md."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from bench.fixture import open_load_session
from bench.load_session import run_blocking, run_load
from tests.e2e.support import ServedApp

COUNCIL_ROOM = 40
P95_TARGET_S = 1.0


@pytest.mark.e2e
def test_a_council_room_of_40_votes_at_once_without_errors_or_lost_votes(
    served_app: ServedApp, engine: Engine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    session = open_load_session(engine)
    report = run_blocking(
        asyncio.wait_for(run_load(served_app.base_url, database_url, session.code, COUNCIL_ROOM), 90)
    )
    assert report.errors == []
    assert report.joined == report.acknowledged == COUNCIL_ROOM
    assert report.lost == 0
    assert report.stored == COUNCIL_ROOM
    p95 = report.ack_latency["p95"]
    assert p95 is not None
    with capsys.disabled():
        verdict = "binnen" if p95 < P95_TARGET_S else "BOVEN"
        print(
            f"\n[raadszaal, {COUNCIL_ROOM} deelnemers] p95 stem → bedankt {p95:.2f} s ({verdict} doel {P95_TARGET_S} s); "
            f"{report.ack_latency}"
        )
