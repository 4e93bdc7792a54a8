"""What one press of "Stem versturen" stores: profile, ballot and remarks, in the caller's one transaction.

Joining, voting and remarking are separate functions (`participation`, `comments`) because pages and the
griffier use them apart. A participant's button does all three at once; doing that through the separate
functions looked the session and the participant up three times each. Under a write lock that 300 phones
queue for, those repeated lookups were a third of the statements, so here they happen once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ivp_core.consultation.comments import save_remarks
from ivp_core.consultation.participation import (
    BallotReceipt,
    ballot_items,
    enrol,
    participant_row,
    writable_session,
    write_ballot,
)


def cast(
    db: Session,
    session_id: int,
    token: str,
    values: Mapping[str, Any],
    *,
    remarks: Mapping[str, str | None] | None = None,
    wijk: str | None = None,
    age_band: str | None = None,
    invitation_code: str | None = None,
    verification: str | None = None,
) -> BallotReceipt:
    """Store the press, or refuse it with a Dutch `ParticipationError` and leave nothing written.

    The participant row is made here at the first ballot, unless the phone already registered when its
    questions appeared (`participation.register_presence`, open sessions only). `invitation_code` and
    `verification` (the e-mail link's secret) are claimed in this same transaction.

    Same refusals as `participation.join`, `participation.submit_ballot` and `comments.save_comments`
    together. The ballot is validated before anything is written; a refused remark is found after the ballot
    is written, and the caller's `session_scope` then rolls the whole press back.
    """
    known = participant_row(db, session_id, token)
    # A participant who joined when the page opened only needs a shared lock; a new one gets a number.
    row = writable_session(db, session_id, shared=known is not None)
    items = ballot_items(row, values)
    participant = enrol(
        db,
        row,
        token,
        wijk=wijk,
        age_band=age_band,
        participant=known,
        invitation_code=invitation_code,
        verification=verification,
    )
    receipt = write_ballot(db, row, participant, items)
    if remarks:
        save_remarks(db, row, participant, remarks)
    return receipt
