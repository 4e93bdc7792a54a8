"""Issue 30's accounts: roles per trajectory, invitations that expire, argon2id passwords, logins that end
everywhere, the audit trail, and the `user`/`audit` commands (Dutch refusals, exit 2, nothing stored)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from ivp_core.access import audit, logins, users
from ivp_core.access.actor import PUBLIC, AccessDenied, Actor, acting_as, can, require
from ivp_core.access.cli import operator
from ivp_core.access.roles import Permission, Role
from ivp_core.cli import main
from ivp_core.errors import UserError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, UserAccount, UserInvitation, utcnow
from ivp_core.trajectory.trajectories import create_trajectory
from tests.badinput.snapshot import assert_unchanged, take

PASSWORD = "een lang wachtwoord voor de griffie"


def _two_trajectories() -> tuple[int, int]:
    with session_scope() as db:
        a = create_trajectory(
            db, "IVP Dalfsen", 2027, 2030, [Municipality(name="Dalfsen", cbs_code="GM0148")]
        )
        b = create_trajectory(db, "IVP Ommen", 2027, 2030, [Municipality(name="Ommen", cbs_code="GM0175")])
        return a.id, b.id


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_roles_decide_what_a_person_may_do_per_trajectory(engine: Engine) -> None:
    a, b = _two_trajectories()
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "coord@dalfsen.nl", "coordinator", a)
        users.add_user(db, "wg@dalfsen.nl", "werkgroeplid", a)
        users.add_user(db, "griffie@dalfsen.nl", "griffier", a)
        users.add_user(db, "raad@dalfsen.nl", "lezer", a)
    with session_scope(readonly=True) as db:
        people = {
            e: users.actor_for(db, users.account_id(db, e) or 0)
            for e in ("coord", "wg", "griffie", "raad")
            for e in [f"{e}@dalfsen.nl"]
        }
    coord, wg, griffie, raad = (people[f"{n}@dalfsen.nl"] for n in ("coord", "wg", "griffie", "raad"))
    assert coord is not None and wg is not None and griffie is not None and raad is not None
    assert coord.can(Permission.RESTORE, a) and not coord.can(Permission.READ, b)
    assert coord.sees(a) and not coord.sees(b)
    assert wg.can(Permission.TEXTS, a)
    assert not wg.can(Permission.DECISION, a) and not wg.can(Permission.RESTORE, a)
    assert griffie.can(Permission.DECISION, a) and griffie.can(Permission.SESSIONS, a)
    assert not griffie.can(Permission.TEXTS, a)
    assert raad.can(Permission.DOCUMENTS, a) and not raad.can(Permission.TEXTS, a)
    assert not coord.can(Permission.ACCOUNTS)
    with acting_as(wg), pytest.raises(AccessDenied, match="Dit mag u niet in dit traject"):
        require(Permission.DECISION, a)
    with acting_as(PUBLIC):
        assert not can(Permission.READ, a)


def test_invitation_sets_a_password_once_and_expires(engine: Engine) -> None:
    a, _ = _two_trajectories()
    with acting_as(operator()), session_scope() as db:
        token = users.add_user(db, "Coord@Dalfsen.nl", "coordinator", a).invitation
    assert token
    with session_scope() as db:
        assert users.invitation_email(db, token) == "coord@dalfsen.nl"
        with pytest.raises(UserError, match="minstens 12"):
            users.accept_invitation(db, token, "kort")
    with session_scope() as db:
        user_id = users.accept_invitation(db, token, PASSWORD)
        stored = db.get(UserAccount, user_id)
        assert stored is not None and stored.password_hash and stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash
    with session_scope() as db, pytest.raises(users.AccountError, match="niet \\(meer\\) geldig"):
        users.accept_invitation(db, token, PASSWORD + "2")
    with session_scope() as db:
        assert users.authenticate(db, "coord@dalfsen.nl", PASSWORD) == user_id
        assert users.authenticate(db, "coord@dalfsen.nl", PASSWORD + "x") is None
        assert users.authenticate(db, "niemand@dalfsen.nl", PASSWORD) is None
    # A second account's link, ten days old, has expired.
    with acting_as(operator()), session_scope() as db:
        late = users.add_user(db, "laat@dalfsen.nl", "lezer", a).invitation
        db.flush()
        db.execute(update(UserInvitation).values(expires_at=utcnow() - timedelta(days=3)))
    with session_scope() as db, pytest.raises(users.AccountError, match="verlopen"):
        users.invitation_email(db, late)


def test_password_change_and_removal_end_every_login_of_that_account(engine: Engine) -> None:
    a, _ = _two_trajectories()
    with acting_as(operator()), session_scope() as db:
        one = users.add_user(db, "een@dalfsen.nl", "coordinator", a).invitation
        two = users.add_user(db, "twee@dalfsen.nl", "coordinator", a).invitation
    with session_scope() as db:
        first, second = users.accept_invitation(db, one, PASSWORD), users.accept_invitation(db, two, PASSWORD)
        tabs = [logins.create_login(db, user_id=first), logins.create_login(db, user_id=first)]
        other = logins.create_login(db, user_id=second)
        shared = logins.create_login(db)
    with session_scope() as db:
        users.change_password(db, first, PASSWORD, PASSWORD + " nieuw")
    with session_scope(readonly=True) as db:
        assert [logins.login_valid(db, t) for t in tabs] == [False, False]
        state = logins.login_state(db, other)
        assert state is not None and state.user_id == second
    with acting_as(operator()), session_scope() as db:
        users.remove_user(db, "twee@dalfsen.nl")
    with session_scope(readonly=True) as db:
        assert not logins.login_valid(db, other) and logins.login_valid(db, shared)
        assert users.actor_for(db, second) is None


def test_shared_password_goes_off_only_with_a_beheerder_account(engine: Engine) -> None:
    with session_scope() as db:
        shared = logins.create_login(db)
    with acting_as(operator()), session_scope() as db, pytest.raises(users.AccountError, match="beheerder"):
        users.set_shared_password(db, False)
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "it@dalfsen.nl", "beheerder")
        users.set_shared_password(db, False)
    with session_scope(readonly=True) as db:
        assert not users.shared_password_on(db) and not logins.login_valid(db, shared)


def test_only_a_beheerder_manages_accounts(engine: Engine) -> None:
    a, _ = _two_trajectories()
    before = take(engine)
    coordinator = Actor(label="coord@dalfsen.nl", user_id=99, roles={a: Role.COORDINATOR})
    with acting_as(coordinator), pytest.raises(AccessDenied), session_scope() as db:
        users.add_user(db, "nieuw@dalfsen.nl", "coordinator", a)
    assert_unchanged(before, engine)


def test_audit_records_who_and_exports_csv_without_ballots(engine: Engine) -> None:
    a, b = _two_trajectories()
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "coord@dalfsen.nl", "coordinator", a)
    with (
        acting_as(Actor(label="coord@dalfsen.nl", user_id=1, roles={a: Role.COORDINATOR})),
        session_scope() as db,
    ):
        audit.record_event(db, action="decision", trajectory_id=a, detail="prioriteiten 1.3, 4.1, 3.1")
        audit.record_event(db, action="text_saved", trajectory_id=b, detail='=HYPERLINK("x")')
    with session_scope(readonly=True) as db:
        rows = list(csv.reader(io.StringIO(audit.to_csv(audit.events(db, a)))))
    assert rows[0] == ["when", "who", "what", "trajectory", "detail"]
    assert ["coord@dalfsen.nl", "besluit vastgelegd", str(a)] == rows[1][1:4]
    assert all(r[3] == str(a) for r in rows[1:])
    with session_scope(readonly=True) as db:
        export = audit.to_csv(audit.events(db, b))
    assert "'=HYPERLINK" in export


def test_cli_user_add_list_remove_and_audit(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    a, _b = _two_trajectories()
    code, out, err = _cli(
        capsys, "user", "add", "--email", "coord@dalfsen.nl", "--role", "coordinator", "--trajectory", str(a)
    )
    assert code == 0, err
    assert "/uitnodiging?u=" in out
    assert _cli(capsys, "user", "add", "--email", "it@regio.nl", "--role", "beheerder")[0] == 0
    code, out, _ = _cli(capsys, "user", "list")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["email", "role", "trajectory", "last_login"]
    assert ["coord@dalfsen.nl", "coordinator", str(a), ""] in rows and [
        "it@regio.nl",
        "beheerder",
        "",
        "",
    ] in rows
    code, out, _ = _cli(capsys, "audit", "--trajectory", str(a), "--format", "csv")
    assert code == 0 and "opdrachtregel (" in out and "account aangemaakt" in out
    assert _cli(capsys, "user", "remove", "--email", "coord@dalfsen.nl")[0] == 0
    with session_scope(readonly=True) as db:
        assert users.account_id(db, "coord@dalfsen.nl") is None


#: (arguments, what the Dutch refusal says); checked in one database, each against a fresh snapshot.
REFUSALS: tuple[tuple[list[str], str], ...] = (
    (["user", "add", "--email", "geen-adres", "--role", "lezer", "--trajectory", "1"], "geen e-mailadres"),
    (
        ["user", "add", "--email", "a@b.nl, c@d.nl", "--role", "lezer", "--trajectory", "1"],
        "geen e-mailadres",
    ),
    (["user", "add", "--email", "a@dalfsen.nl", "--role", "koning", "--trajectory", "1"], "Onbekende rol"),
    (["user", "add", "--email", "a@dalfsen.nl", "--role", "lezer", "--trajectory", "77"], "bestaat niet"),
    (
        ["user", "add", "--email", "a@dalfsen.nl", "--role", "lezer", "--trajectory", "twee"],
        "geen trajectnummer",
    ),
    (["user", "add", "--email", "a@dalfsen.nl", "--role", "lezer"], "in welk traject"),
    (["user", "add", "--role", "lezer", "--trajectory", "1"], "Dit ontbreekt nog: --email"),
    (["user", "add", "--email"], "Na --email hoort een waarde"),
    (["user", "wijzig", "--email", "a@dalfsen.nl"], "Onbekende opdracht 'wijzig'"),
    (["audit", "--trajectory", "1", "--format", "xml"], "Bij --format kan 'xml' niet"),
    (["user", "list", "--all"], "Onbekend: --all"),
    (
        ["user", "add", "--email", "a@dalfsen.nl", "--role", "beheerder", "--trajectory", "1"],
        "alle trajecten",
    ),
    (["user", "remove", "--email", "niemand@dalfsen.nl"], "geen account"),
    (["audit", "--trajectory", "77"], "bestaat niet"),
)


def test_cli_refuses_bad_input_in_dutch_and_stores_nothing(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_trajectories()
    for args, message in REFUSALS:
        before = take(engine)
        code, _out, err = _cli(capsys, *args)
        assert code == 2 and message in err and err.startswith("Fout: "), (args, err)
        assert "Traceback" not in err
        assert_unchanged(before, engine)


def test_nothing_bound_is_the_system_and_a_visitor_may_change_nothing(engine: Engine) -> None:
    a, _ = _two_trajectories()
    assert can(Permission.RESTORE, a)
    with acting_as(PUBLIC), pytest.raises(AccessDenied, match="ingelogd"):
        require(Permission.TEXTS, a)
    with session_scope(readonly=True) as db:
        assert db.scalars(select(UserAccount)).all() == []


def test_the_audit_of_a_trajectory_made_on_the_command_line_starts_with_its_creation(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(
        capsys, "trajectory", "create", "--title", "IVP Vechtdal", "--period", "2028-2031",
        "--municipality", "GM0148=Dalfsen", "--municipality", "GM0175=Ommen",
    )  # fmt: skip
    assert code == 0, err
    joint = out.strip()
    code, out, err = _cli(capsys, "audit", "--trajectory", joint, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0, err
    assert [(r["what"], r["trajectory"], r["detail"]) for r in rows] == [
        ("traject aangemaakt", joint, "IVP Vechtdal")
    ]
    assert rows[0]["who"].startswith("opdrachtregel (")


def test_a_deleted_trajectorys_audit_stays_readable(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(
        capsys,
        "trajectory",
        "create",
        "--title",
        "IVP Ommen",
        "--period",
        "2027-2030",
        "--municipality",
        "GM0175=Ommen",
    )
    assert code == 0, err
    gone = out.strip()
    assert _cli(capsys, "trajectory", "delete", gone, "--confirm", "IVP Ommen")[0] == 0
    code, out, err = _cli(capsys, "audit", "--trajectory", gone, "--format", "csv")
    assert code == 0, err
    assert [r["what"] for r in csv.DictReader(io.StringIO(out))] == [
        "traject verwijderd",
        "traject aangemaakt",
    ]
    code, _out, err = _cli(capsys, "audit", "--trajectory", str(int(gone) + 1), "--format", "csv")
    assert code == 2 and "bestaat niet" in err
