"""`python -m ivp_core user add|list|remove|invite|shared-password` and `audit`: accounts for municipal IT.

Whoever runs these commands on the machine is its operator and acts as beheerder (the audit trail records
"opdrachtregel (user@host)"). Bad input is refused in Dutch with exit 2 and nothing stored: every command
validates inside one transaction before it writes.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import socket
import sys

from ivp_core.access.actor import Actor, acting_as
from ivp_core.access.roles import ROLE_CHOICES
from ivp_core.commands import CliError


def operator() -> Actor:
    """The person at the machine's command line: they can read the database anyway, so they are beheerder."""
    try:
        who = f"{getpass.getuser()}@{socket.gethostname()}"
    except (KeyError, OSError):
        who = socket.gethostname()
    return Actor(label=f"opdrachtregel ({who})", is_admin=True)


def _trajectory(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise CliError(f"'{raw}' bij --trajectory is geen trajectnummer. Schrijf het zo: --trajectory 2")
    return int(raw)


def _add(args: argparse.Namespace) -> int:
    from ivp_core.access import users
    from ivp_core.storage.db import migrate, session_scope

    migrate()
    with acting_as(operator()), session_scope() as db:
        added = users.add_user(db, args.email, args.role, _trajectory(args.trajectory), name=args.name or "")
    if added.invitation is None:
        print(f"Account {added.email} bestond al; de rol is bijgewerkt.")
    else:
        print(f"Account {added.email} aangemaakt. Uitnodiging (geldig {users.INVITATION_DAYS} dagen):")
        print(users.invitation_link(added.invitation))
    return 0


def _invite(args: argparse.Namespace) -> int:
    from ivp_core.access import users
    from ivp_core.storage.db import session_scope

    with acting_as(operator()), session_scope() as db:
        token = users.new_invitation(db, args.email)
    print(users.invitation_link(token))
    return 0


def _list(_args: argparse.Namespace) -> int:
    from ivp_core.access import users
    from ivp_core.dutch import local_time
    from ivp_core.storage.db import session_scope

    with session_scope(readonly=True) as db:
        rows = users.list_users(db)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["email", "role", "trajectory", "last_login"])
    for row in rows:
        last = "" if row.last_login is None else local_time(row.last_login).strftime("%Y-%m-%d %H:%M")
        writer.writerow([row.email, row.role, "" if row.trajectory_id is None else row.trajectory_id, last])
    return 0


def _remove(args: argparse.Namespace) -> int:
    from ivp_core.access import users
    from ivp_core.storage.db import session_scope

    with acting_as(operator()), session_scope() as db:
        users.remove_user(db, args.email)
    print(f"Account {args.email.strip().lower()} verwijderd; de logins ervan zijn beëindigd.")
    return 0


def _shared(args: argparse.Namespace) -> int:
    from ivp_core.access import users
    from ivp_core.storage.db import session_scope

    with acting_as(operator()), session_scope() as db:
        users.set_shared_password(db, args.state == "aan")
    print(f"Het gedeelde wachtwoord (IVP_ADMIN_PASSWORD) staat nu {args.state}.")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from ivp_core.access import audit
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import Trajectory

    trajectory_id = _trajectory(args.trajectory)
    with session_scope(readonly=True) as db:
        rows = audit.events(db, trajectory_id)
        # A deleted trajectory's events stay readable (its deletion is among them); only a number that never
        # was a trajectory here is refused.
        if trajectory_id is not None and not rows and db.get(Trajectory, trajectory_id) is None:
            ids = (
                ", ".join(str(i) for i in db.scalars(select(Trajectory.id).order_by(Trajectory.id))) or "geen"
            )
            raise CliError(f"Traject {trajectory_id} bestaat niet. Bestaande trajecten: {ids}.")
    sys.stdout.write(audit.to_csv(rows))
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = subparsers.add_parser("user", help="persoonlijke accounts en rollen")
    sub = user.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser("add", help="maak een account (of geef het een rol) en druk de uitnodiging af")
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, help=", ".join(ROLE_CHOICES))
    add.add_argument("--trajectory", help="het traject (niet bij beheerder)")
    add.add_argument("--name", help="naam (optioneel)")
    add.set_defaults(func=_add)
    sub.add_parser("list", help="alle accounts als CSV").set_defaults(func=_list)
    remove = sub.add_parser("remove", help="verwijder een account en beëindig de logins ervan")
    remove.add_argument("--email", required=True)
    remove.set_defaults(func=_remove)
    invite = sub.add_parser("invite", help="een nieuwe uitnodigingslink (de vorige vervalt)")
    invite.add_argument("--email", required=True)
    invite.set_defaults(func=_invite)
    shared = sub.add_parser("shared-password", help="het gedeelde IVP_ADMIN_PASSWORD aan- of uitzetten")
    shared.add_argument("state", choices=("aan", "uit"))
    shared.set_defaults(func=_shared)
    audit = subparsers.add_parser("audit", help="het auditlog als CSV (wie deed wat, wanneer)")
    audit.add_argument("--trajectory", help="alleen dit traject")
    audit.add_argument("--format", choices=("csv",), default="csv")
    audit.set_defaults(func=_audit)
