"""The server is killed (SIGKILL, no clean-up) while phones are voting; after a restart every ballot that a
phone was thanked for is in the database with exactly the values sent, and the phone finds it again."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from bench.fixture import open_load_session
from bench.load_session import PARTICIPANT_PAGE, Gate, Vote, check_stored, participant, run_blocking, warm_up
from bench.st_client import StreamlitClient
from tests.e2e.support import ServedApp

pytestmark = pytest.mark.e2e

PHONES = 30
KILL_AFTER_ACKNOWLEDGED = 6


async def _vote_until_killed(app: ServedApp, code: str) -> list[Vote]:
    """Phones vote one after another as they finish; the server is killed once a few have been thanked."""
    await warm_up(app.base_url)
    votes = [Vote(i) for i in range(PHONES)]
    rng = random.Random(5)
    phones = [
        asyncio.create_task(
            participant(v, app.base_url, code, Gate(0), random.Random(rng.random()), 0.4, 30.0)
        )
        for v in votes
    ]
    while sum(v.ack_s is not None for v in votes) < KILL_AFTER_ACKNOWLEDGED:
        await asyncio.sleep(0.01)
    await asyncio.to_thread(app.kill)
    await asyncio.gather(*phones)
    return votes


async def _sees_own_ballot(base_url: str, code: str, token: str) -> bool:
    """The phone comes back with its own link (token in the URL), as after a dropped connection."""
    async with StreamlitClient(base_url, PARTICIPANT_PAGE, urlencode({"code": code, "t": token})) as phone:
        run = await phone.rerun(timeout=60)
    return any("U heeft al gestemd" in text for text in run.alerts("INFO"))


def test_every_acknowledged_ballot_survives_a_kill_9(
    served_app: ServedApp, engine: Engine, database_url: str
) -> None:
    session = open_load_session(engine)
    votes = run_blocking(asyncio.wait_for(_vote_until_killed(served_app, session.code), 120))
    acknowledged = [v for v in votes if v.ack_s is not None]
    interrupted = [v for v in votes if v.error]
    assert len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED
    assert interrupted, "the kill came after every phone had finished: it interrupted nothing"

    served_app.start()
    stored, lost, _ = check_stored(database_url, session.session_id, votes)
    assert lost == 0, f"{lost} of {len(acknowledged)} acknowledged ballots are missing or changed"
    assert stored >= len(acknowledged)
    for vote in acknowledged[:3]:
        assert vote.token is not None
        assert run_blocking(_sees_own_ballot(served_app.base_url, session.code, vote.token))
