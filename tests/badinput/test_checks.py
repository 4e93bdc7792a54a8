"""The corpus's own instruments can fail: English or Python text is caught, and so is a changed row."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory


@pytest.mark.parametrize(
    "message",
    [
        "KeyError: '9.9'",
        'Traceback (most recent call last):\n  File "x.py", line 3, in <module>',
        "could not convert string to float: 'abc'",
        "(psycopg.errors.StringDataRightTruncation) value too long for type character varying(60)",
        "Bad CRC-32 for file 'tables/trajectory.json'",
        "The file must be 50.0MB or smaller.",
        "",
    ],
)
def test_non_dutch_messages_are_caught(message: str) -> None:
    with pytest.raises(AssertionError):
        assert_dutch(message)


def test_a_dutch_message_passes_and_keywords_are_required() -> None:
    message = "Regel 3, kolom 'value': 'abc' is geen getal."
    assert_dutch(message, ("geen getal",))
    with pytest.raises(AssertionError):
        assert_dutch(message, ("ontbreekt",))


def test_the_snapshot_sees_an_update_that_keeps_the_row_counts(engine: Engine) -> None:
    make_trajectory(engine)
    before = take(engine)
    assert_unchanged(before, engine)
    with session_scope(engine) as db:
        db.execute(update(Municipality).values(name="Andere naam"))
    with pytest.raises(AssertionError, match="content of a table changed"):
        assert_unchanged(before, engine)
