"""Issue 26, attack 5: a voided ballot comes back through a backup read with `--accept-unsigned`.

A forger adds a `ballot.jsonl` row (with its items) for a participant whose ballot the facilitator voided, and
recomputes the manifest's hashes. On the old code the ballot was restored and counted in the advice, although
the participant's `voided_at` is set. Now the content checks refuse it in Dutch, also for an unsigned file the
coordinator accepted (and for a re-signed one), and the database is unchanged. The same holds for a remark
written after the void; the remarks from before it, which the app itself keeps, still restore."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.backup.archive import BackupError, export_trajectory, import_backup
from ivp_core.consultation import comments, participation
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, Participant
from tests.backup.tamper import edit_table, lines_of, members, rows_of
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory, open_session, vote


@pytest.fixture
def voided_backup(engine: Engine) -> tuple[bytes, str]:
    """A session where P1 voted, remarked, and was voided; P2 voted. Returns the backup and P1's label."""
    session = open_session(engine, make_trajectory(engine))
    first = vote(engine, session.id, {"1.1": 6, "1.3": 4})
    with session_scope(engine) as db:
        comments.save_comment(db, session.id, first, "1.1", "Meer toezicht in de wijk")
    vote(engine, session.id, {"1.3": 10})
    with session_scope(engine) as db:
        label = db.scalar(
            select(Participant.label).where(
                Participant.token_hash == participation.hash_token(session.id, first)
            )
        )
        assert label
        participation.void_ballot(db, session.id, label, "Dubbel gestemd door dezelfde persoon")
    with session_scope(engine) as db:
        return export_trajectory(db, session.trajectory_id), label


def _voided_participant(data: bytes, label: str) -> dict[str, Any]:
    parts = members(data)
    rows = rows_of(next(v for k, v in parts.items() if k.endswith("participant.jsonl")))
    found = next(r for r in rows if r["label"] == label)
    assert found["voided_at"] is not None
    return found


def _add_ballot_for(data: bytes, participant: dict[str, Any], resign_with: Engine | None) -> bytes:
    """Copy a remaining ballot (and its items) onto the voided participant, hashes recomputed."""
    parts = members(data)
    ballots = rows_of(next(v for k, v in parts.items() if k.endswith("/ballot.jsonl")))
    items = rows_of(next(v for k, v in parts.items() if k.endswith("ballot_item.jsonl")))
    template = ballots[-1]
    forged_id = max(b["id"] for b in ballots) + 1
    forged = {**template, "id": forged_id, "participant_id": participant["id"]}
    forged_items = [
        {**item, "id": max(i["id"] for i in items) + n + 1, "ballot_id": forged_id}
        for n, item in enumerate(i for i in items if i["ballot_id"] == template["id"])
    ]
    data = edit_table(data, "ballot", lambda raw: raw + lines_of([forged]), resign_with=resign_with)
    return edit_table(data, "ballot_item", lambda raw: raw + lines_of(forged_items), resign_with=resign_with)


def _ballots(engine: Engine) -> int:
    with session_scope(engine, readonly=True) as db:
        return int(db.scalar(select(func.count(Ballot.id))) or 0)


@pytest.mark.parametrize("signed", [False, True], ids=["accept-unsigned", "re-signed"])
def test_a_ballot_added_for_a_voided_participant_is_refused_and_nothing_changes(
    signed: bool, voided_backup: tuple[bytes, str], engine: Engine
) -> None:
    data, label = voided_backup
    forged = _add_ballot_for(data, _voided_participant(data, label), resign_with=engine if signed else None)
    before = take(engine)
    with pytest.raises(BackupError) as refused:
        import_backup(forged, on_conflict="new_copy", engine=engine, accept_unsigned=not signed)
    assert_dutch(refused.value.message_nl, ("vervallen",))
    assert label in refused.value.message_nl
    assert_unchanged(before, engine)


def test_a_remark_written_after_the_void_is_refused_and_nothing_changes(
    voided_backup: tuple[bytes, str], engine: Engine
) -> None:
    data, label = voided_backup
    participant = _voided_participant(data, label)

    def later(raw: bytes) -> bytes:
        rows = rows_of(raw)
        mine = next(r for r in rows if r["participant_id"] == participant["id"])
        voided = datetime.fromisoformat(participant["voided_at"])
        rows.append(
            {
                **mine,
                "id": max(r["id"] for r in rows) + 1,
                "theme_code": "1.3",
                "created_at": (voided + timedelta(minutes=5)).isoformat(),
            }
        )
        return lines_of(rows)

    forged = edit_table(data, "comment", later)
    before = take(engine)
    with pytest.raises(BackupError) as refused:
        import_backup(forged, on_conflict="new_copy", engine=engine, accept_unsigned=True)
    assert_dutch(refused.value.message_nl, ("opmerking", "vervallen"))
    assert_unchanged(before, engine)


def test_the_untouched_backup_with_its_void_and_earlier_remark_restores(
    voided_backup: tuple[bytes, str], engine: Engine
) -> None:
    """The refusals come from the forged rows: the app's own file (a void, a remark from before it) restores."""
    data, _ = voided_backup
    before = _ballots(engine)
    import_backup(data, on_conflict="new_copy", engine=engine)
    assert _ballots(engine) == 2 * before
