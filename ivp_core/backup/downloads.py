"""The files the trajectory pages hand out (a backup, the startnotitie) and the restores at work, as use cases.

They sit in the backup room because that is the one room that may read every other (a backup holds all of a
trajectory, the startnotitie comes from the report room); each owns its database scope, so the pages that
offer them ("Trajecten", "Verslag en back-up") never open one.
"""

from __future__ import annotations

from ivp_core.access.actor import require
from ivp_core.access.roles import Permission
from ivp_core.backup.export import backup_filename, export_trajectory
from ivp_core.backup.staging import restore_states
from ivp_core.report.documents.startnotitie import render_startnote, startnote_filename
from ivp_core.storage.db import session_scope

__all__ = ["backup_file", "backup_filename", "restores_at_work", "startnote_file", "startnote_filename"]


def backup_file(trajectory_id: int) -> bytes:
    """Use case: the whole trajectory as one signed file. A write scope on purpose: on SQLite it is
    ``BEGIN IMMEDIATE``, so no save lands halfway through the many tables the file reads."""
    with session_scope() as db:
        return export_trajectory(db, trajectory_id)


def startnote_file(trajectory_id: int) -> bytes:
    """Use case: the startnotitie as DOCX, as Stap 1 stands now."""
    require(Permission.DOCUMENTS, trajectory_id)
    with session_scope(readonly=True) as db:
        return render_startnote(db, trajectory_id)


def restores_at_work() -> dict[int, str]:
    """Use case: trajectory id -> what a restore is doing to it, in Dutch (for the list's status column)."""
    with session_scope(readonly=True) as db:
        return {trajectory_id: state.describe() for trajectory_id, state in restore_states(db).items()}
