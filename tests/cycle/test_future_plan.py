"""Stap 6 on a plan that has not begun yet (the normal case while a trajectory is being prepared), as a
griffier reads it: the Voortgang page and the voortgangsrapportage open on the plan's first year, not its last;
the bestuursrapportage paragraph can be pasted unedited (singular where there is one, no past tense about a
year to come); a document without indicators has no empty annex table; the chart's axis starts at zero."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.dutch import local_today
from ivp_core.plan.progress import progress_overview
from ivp_core.report.blocks import TableBlock, TitleBlock
from ivp_core.report.documents.voortgangsrapportage import build_progress_document, summary_paragraph
from ivp_core.report.progress_page import chart_points
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.cycle.seed import cli
from tests.own_municipality import CODE, NAME

ROOT = Path(__file__).resolve().parents[2]
YEAR = local_today().year
START, END = YEAR + 1, YEAR + 4


def _future_plan(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """A user-made trajectory whose plan starts next year, one theme chosen by the raad today."""
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    tid = int(
        cli(
            "trajectory", "create", "--title", "IVP Dalfsen", "--period", f"{START}-{END}",
            "--municipality", f"{CODE}={NAME}", "--inhabitants", f"{CODE}:{YEAR - 1}=28900",
        )
    )  # fmt: skip
    cli(
        "decide", "--trajectory", str(tid), "--municipality", CODE, "--themes", "4.1",
        "--gremium", "raad", "--date", local_today().isoformat(), "--status", "vastgesteld",
    )  # fmt: skip
    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        return tid, trajectory.municipalities[0].id


def test_a_plan_that_starts_next_year_is_reported_on_its_first_year_in_plain_dutch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, admin_password: str
) -> None:
    tid, mid = _future_plan(engine, monkeypatch)
    with session_scope(engine, readonly=True) as db:
        document = build_progress_document(db, tid, mid)
    assert document.title == f"Voortgangsrapportage {START}"  # was the plan's last year
    (cover,) = [b for b in document.blocks if isinstance(b, TitleBlock)]
    assert cover.meta[0].endswith(
        f"{START} is nog niet begonnen: dit is de stand vooraf."
    )  # not "Stand over"
    assert not [b for b in document.blocks if isinstance(b, TableBlock) and not b.rows]  # no empty annex
    assert "Er zijn nog geen effectindicatoren vastgelegd." in [
        getattr(b, "text", "") for b in document.blocks
    ]

    cli(
        "indicator", "add", "--trajectory", str(tid), "--theme", "4.1", "--name", "Verkeersongevallen met letsel",
        "--source", "Gemeente", "--baseline", f"{YEAR - 1}=40", "--target", f"{END}=30",
    )  # fmt: skip
    with session_scope(engine, readonly=True) as db:
        overview = progress_overview(db, tid, mid)
    assert overview.year == START
    text = summary_paragraph(overview)
    assert text.startswith(f"In {START}, het 1e jaar van het Integraal Veiligheidsplan {START}–{END}, werkt ")
    assert "aan 1 prioriteit. " in text and "Stand van de effectindicator: 1 nog geen nieuwe meting." in text
    assert "prioriteiten" not in text and "werkte" not in text

    from ui.widgets.progress_chart import progress_chart

    spec = progress_chart(chart_points(overview.indicators[0]), "").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["zero"] is True


def test_the_voortgang_page_of_a_plan_still_to_come(demo_engine: Engine, admin_password: str) -> None:
    """The demo's plan starts after today: the page opens on its first year; without actions the budget share
    is a dash (not "– %"), and without indicators the measurement form says where to set them."""
    with session_scope(demo_engine, readonly=True) as db:
        demo = db.scalars(select(Trajectory)).one()
        demo_id, start = demo.id, demo.period_start
    assert start > YEAR
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.session_state["ivp_trajectory_id"] = demo_id
    at.run()
    at.switch_page("pages/voortgang.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["voortgang_jaar"] == start
    assert at.metric[4].label == "Besteed van het budget" and at.metric[4].value == "–"
    captions = " ".join(c.value for c in at.caption)
    assert "nog geen effectindicatoren om te meten" in captions


def test_the_yearly_plan_gives_each_going_concern_set_its_reason(demo_engine: Engine) -> None:
    """Issue 25: going concern grouped into a logical set "with a short reason per group"; the yearly plan
    and the four-year uitvoeringsplan listed the sets without their reason."""
    from ivp_core.report.blocks import Bullets
    from ivp_core.report.documents.jaarplan import build_year_plan
    from ivp_core.report.documents.uitvoeringsplan import build_plan_documents
    from ivp_core.report.going_concern import SETS

    with session_scope(demo_engine, readonly=True) as db:
        demo = db.scalars(select(Trajectory)).one()
        yearly = build_year_plan(db, demo.id, demo.municipalities[0].id)
        _concept, four_years = build_plan_documents(db, demo.id, demo.municipalities[0].id)
    reasons = {s.name: s.reason for s in SETS}
    for document in (yearly, four_years):  # the four-year uitvoeringsplan dropped the reason as well
        (bullets,) = [
            b for b in document.blocks if isinstance(b, Bullets) and b.items[0].split(":")[0] in reasons
        ]
        assert all(item.endswith(reasons[item.split(":")[0]]) for item in bullets.items), bullets.items


def test_a_running_plan_terugblik_tables_and_xlsx_numbers_read_as_sent(
    engine: Engine, tmp_path: Path, admin_password: str
) -> None:
    """The yearly plan's terugblik: its paragraph counts every action of the plan so far ("Stand van de 3
    acties") while its tables list only the past year's; a sentence between them says so. The
    voortgangsrapportage's XLSX shows an imported rate rounded, not with fifteen decimals."""
    from ivp_core.report.blocks import Paragraph
    from ivp_core.report.documents.jaarplan import build_year_plan
    from tests.cycle.seed import seed_cycle

    seeded = seed_cycle(engine, tmp_path)
    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, seeded.trajectory_id)
        assert trajectory is not None
        document = build_year_plan(db, seeded.trajectory_id, trajectory.municipalities[0].id, YEAR + 1)
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert any(t.startswith("In ") and "Stand van de 3 acties" in t for t in texts), texts
    assert f"Per prioriteit de stand van de effectindicatoren en de acties van {YEAR}:" in texts

    # the XLSX annex shows an imported rate (1,2456747…) with two decimals, the number itself kept whole
    import io

    from openpyxl import load_workbook

    from ivp_core.report.documents.voortgangsrapportage import progress_xlsx

    with session_scope(engine, readonly=True) as db:
        data = progress_xlsx(db, seeded.trajectory_id, trajectory.municipalities[0].id, YEAR)
    sheet = load_workbook(io.BytesIO(data))["Indicatoren"]
    imported = [r for r in sheet.iter_rows(min_row=2) if r[6].value == "import"]
    assert imported and all(r[5].number_format == "#,##0.00" for r in imported), [
        r[5].value for r in imported
    ]
    assert all(r[7].number_format == "#,##0.00" for r in imported)  # the expected value 1,935


def test_a_theme_with_an_indicator_but_not_chosen_is_not_counted_as_a_priority(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trajectory made on the command line with an indicator before the raad chose: the paragraph said
    "werkt Dalfsen aan 1 prioriteit" while the table below marks that theme "(geen prioriteit)"."""
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    tid = int(
        cli(
            "trajectory", "create", "--title", "IVP Dalfsen", "--period", f"{START}-{END}",
            "--municipality", f"{CODE}={NAME}",
        )
    )  # fmt: skip
    cli(
        "indicator", "add", "--trajectory", str(tid), "--theme", "1.3", "--name", "Woninginbraken",
        "--source", "Politie", "--baseline", f"{YEAR - 2}=12.5", "--target", f"{END}=9.0",
    )  # fmt: skip
    with session_scope(engine, readonly=True) as db:
        trajectory = db.get(Trajectory, tid)
        assert trajectory is not None
        overview = progress_overview(db, tid, trajectory.municipalities[0].id)
    assert [p.priority for p in overview.priorities] == [False]
    text = summary_paragraph(overview)
    assert text.startswith(
        f"In {START}, het 1e jaar van het Integraal Veiligheidsplan {START}–{END}, zijn voor {NAME} nog geen "
        "prioriteiten gekozen. "
    ), text


def test_the_measurement_form_of_a_plan_still_to_come_offers_the_years_that_can_be_measured(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, admin_password: str
) -> None:
    """The form offered only the plan's years (all still to come, so every save was refused) and suggested the
    plan's first year; now from the year after the nulmeting to this year, suggesting this year. A value typed
    there is saved and judged."""
    from tests.pages.test_smoke import facilitator_page

    tid, _mid = _future_plan(engine, monkeypatch)
    cli(
        "indicator", "add", "--trajectory", str(tid), "--theme", "4.1", "--name", "Verkeersongevallen met letsel",
        "--source", "Gemeente", "--baseline", f"{YEAR - 2}=40", "--target", f"{END}=30",
    )  # fmt: skip
    at = facilitator_page("pages/voortgang.py", tid)
    (field,) = [n for n in at.number_input if n.label == "Jaar"]
    assert (field.min, field.max, field.value) == (YEAR - 1, YEAR, YEAR)
    (value,) = [t for t in at.text_input if t.label == "Waarde"]
    value.input("38,5")
    (save,) = [b for b in at.button if b.label == "Meting opslaan"]
    save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == [f"Opgeslagen: Verkeersongevallen met letsel, {YEAR}."]


def test_the_indicator_form_of_a_plan_two_years_ahead_suggests_a_nulmeting_that_has_begun(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, admin_password: str
) -> None:
    """It suggested the year before the plan, which is next year: saving it was refused (a nulmeting in the
    future). Now this year."""
    from tests.pages.test_smoke import facilitator_page

    monkeypatch.setenv("IVP_NO_DEMO", "1")
    tid = cli(
        "trajectory", "create", "--title", "IVP Dalfsen", "--period", f"{YEAR + 2}-{YEAR + 5}",
        "--municipality", f"{CODE}={NAME}",
    ).strip()  # fmt: skip
    cli(
        "decide", "--trajectory", tid, "--municipality", CODE, "--themes", "4.1",
        "--gremium", "raad", "--date", local_today().isoformat(), "--status", "vastgesteld",
    )  # fmt: skip
    at = facilitator_page("pages/indicatoren.py", int(tid))
    (field,) = [n for n in at.number_input if n.label == "Jaar nulmeting"]
    assert field.value == YEAR
