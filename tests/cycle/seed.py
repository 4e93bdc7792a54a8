"""A trajectory made from nothing and followed for two years through the command line, shared by the
"Done when" test and the Voortgang browser test: Dalfsen's own police download for 2023 is the nulmeting,
next year's download measures the burglaries (by import), the road accidents are measured by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ivp_core.cli import main
from ivp_core.consultation import sessions
from ivp_core.dutch import local_today
from ivp_core.plan.actions import save_actions
from ivp_core.storage.db import session_scope
from ivp_core.trajectory.stap1 import MemberInput, save_werkgroep
from tests.opinion_helpers import open_session, vote
from tests.own_municipality import CODE, COUNCIL_BALLOTS, NAME, write_statline_file

YEAR = local_today().year
START, END = YEAR - 2, YEAR + 1  # a plan that runs now: measured years lie in the past and this year
#: Next year's police download: 3 burglaries a month in 2024 (36 on 28.900 inhabitants: 1,25 per 1.000).
NEXT_YEAR_COUNTS = {(CODE, "1.1.1"): 3, (CODE, "0.0.0"): 30, ("NL01", "0.0.0"): 66000}


@dataclass(frozen=True)
class Seeded:
    trajectory_id: int
    burglary: int  # indicator measured by import
    accidents: int  # indicator measured by hand


def cli(*args: str) -> str:
    """Run one command through the entry point; its stdout (a refusal fails the seeding)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert code == 0, (args, err.getvalue())
    return out.getvalue()


def seed_cycle(engine: Engine, folder: Path) -> Seeded:
    tid = int(
        cli(
            "trajectory", "create", "--title", "IVP Dalfsen", "--period", f"{START}-{END}",
            "--municipality", f"{CODE}={NAME}", "--inhabitants", f"{CODE}:2023=28900",
            "--wijk", f"{CODE}=Nieuwleusen",
        )
    )  # fmt: skip
    with session_scope(engine) as db:
        save_werkgroep(db, tid, [MemberInput("A. de Vries", "coördinator OOV", "gemeente")])
    cli("import", str(write_statline_file(folder)), "--trajectory", str(tid))
    session = open_session(engine, tid, themes=("1.3", "4.1", "3.1"))
    for ballot in COUNCIL_BALLOTS:
        vote(engine, session.id, ballot)
    with session_scope(engine) as db:
        sessions.close_session(db, session.id)
    cli(
        "decide", "--trajectory", str(tid), "--municipality", CODE, "--themes", "1.3,4.1,3.1",
        "--gremium", "raad", "--date", f"{START - 1}-12-10", "--status", "vastgesteld",
        "--focus", "1.3=woninginbraken",
    )  # fmt: skip
    # The police sum of 1.3 (60 burglaries on 28.900 inhabitants: 2,08 per 1.000 in 2023) and the
    # municipality's own count of road accidents for 4.1.
    burglary = int(
        cli(
            "indicator", "add", "--trajectory", str(tid), "--theme", "1.3", "--name", "Geregistreerde misdrijven",
            "--source", "CBS/Politie (47013NED)", "--baseline", "2023=2.08", "--target", f"{END}=1.5",
            "--unit", "per 1.000 inwoners",
        )
    )  # fmt: skip
    accidents = int(
        cli(
            "indicator", "add", "--trajectory", str(tid), "--theme", "4.1", "--name", "Verkeersongevallen met letsel",
            "--source", "Gemeente, eigen registratie", "--baseline", "2023=40", "--target", f"{END}=30",
        )
    )  # fmt: skip
    cli("import", str(write_statline_file(folder, 2024, NEXT_YEAR_COUNTS)), "--trajectory", str(tid))
    cli(
        "indicator",
        "measure",
        "--indicator",
        str(accidents),
        "--year",
        "2025",
        "--value",
        "39",
        "--source",
        "Gemeente",
    )
    members = {m: i for m, i in _members(engine, tid).items()}
    with session_scope(engine) as db:
        save_actions(db, tid, members[CODE], "1.3", [
            {"action": "Buurtpreventie-app in Nieuwleusen", "trekker": "OOV", "budget_amount": 20000,
             "year": START, "state": "afgerond", "spent_amount": 18500},
            {"action": "Voorlichting inbraakpreventie", "trekker": "Politie", "budget_amount": 10000,
             "year": YEAR, "state": "loopt", "spent_amount": 4000},
            {"action": "Keurmerk Veilig Wonen", "trekker": "Woningcorporatie", "budget_amount": 15000,
             "year": END, "state": "gepland"},
        ])  # fmt: skip
    return Seeded(tid, burglary, accidents)


def _members(engine: Engine, trajectory_id: int) -> dict[str, int]:
    from ivp_core.storage.models import Trajectory

    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        assert trajectory is not None
        return {m.cbs_code or "": m.id for m in trajectory.municipalities}
