"""The yearly uitvoeringsplan (Stap 6): a terugblik on the past year and next year's actions per priority and
per going-concern group.

Municipalities such as Steenwijkerland make "jaarlijks een concreet uitvoeringsplan" and evaluate before
writing the next one; the four-year action table of Stap 5 alone gives no year and no look back. An action
belongs to a year when its year is set; an action for the whole period stays in every year's plan until it
is afgerond or vervallen. The college adopts it and informs the raad, as the four-year uitvoeringsplan.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import file_slug, local_today, long_date
from ivp_core.errors import UserError
from ivp_core.plan.progress import ActionProgress, progress_overview
from ivp_core.report.blocks import Block, BlocksDocument, Heading, Paragraph, TitleBlock, renumber
from ivp_core.report.documents.plan_parts import going_concern_bullets
from ivp_core.report.documents.voortgangsrapportage import action_table, indicator_table, summary_paragraph
from ivp_core.storage.models import Trajectory

OPEN_STATES = ("gepland", "loopt")


def default_plan_year(trajectory: Trajectory) -> int:
    """Next year, within the plan period."""
    return max(trajectory.period_start, min(local_today().year + 1, trajectory.period_end))


def in_year(action: ActionProgress, year: int) -> bool:
    """An action of ``year``: its own year, or the whole period while it is not finished or dropped."""
    return action.year == year if action.year is not None else action.state in OPEN_STATES


def build_year_plan(
    db: Session, trajectory_id: int, municipality_id: int | None, year: int | None = None
) -> BlocksDocument:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise UserError(f"Traject {trajectory_id} bestaat niet.")
    plan_year = default_plan_year(trajectory) if year is None else year
    if not trajectory.period_start <= plan_year <= trajectory.period_end:
        raise UserError(
            f"Het jaar {plan_year} ligt buiten de looptijd van het IVP ({trajectory.period_start}–"
            f"{trajectory.period_end})."
        )
    past = progress_overview(db, trajectory_id, municipality_id, plan_year - 1)
    who = past.municipality_name
    period = f"{trajectory.period_start}–{trajectory.period_end}"
    meta = [
        "Concept, ter vaststelling door het college; de gemeenteraad wordt over het vastgestelde plan geïnformeerd.",
        f"Opgesteld op {long_date(local_today())}.",
    ]
    if trajectory.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    blocks: list[Block] = [
        TitleBlock(f"Uitvoeringsplan {plan_year}", f"{who} · IVP {period}", tuple(meta)),
        Heading(1, f"1 Terugblik op {plan_year - 1}"),
    ]
    if plan_year - 1 < trajectory.period_start:
        blocks.append(
            Paragraph(
                f"{plan_year} is het eerste jaar van het IVP; er is nog geen jaar om op terug te kijken."
            )
        )
    else:
        blocks.append(Paragraph(summary_paragraph(past)))
        # the paragraph counts every action of the plan so far; the tables below show only this year's
        blocks.append(
            Paragraph(f"Per prioriteit de stand van de effectindicatoren en de acties van {plan_year - 1}:")
        )
        for item in past.priorities:
            blocks.append(Heading(2, f"{item.theme_code} {item.theme_name}"))
            if item.indicators:
                blocks.append(indicator_table(item.indicators))
            done = [a for a in item.actions if a.year == plan_year - 1 or a.year is None]
            if done:
                blocks.append(action_table(done))
            if not item.indicators and not done:
                blocks.append(Paragraph(f"Voor {plan_year - 1} zijn geen indicatoren of acties vastgelegd."))
    blocks.append(Heading(1, f"2 Acties in {plan_year} per prioriteit"))
    priorities = [p for p in past.priorities if p.priority] or list(past.priorities)
    for item in priorities:
        blocks.append(Heading(2, f"{item.theme_code} {item.theme_name}"))
        planned = [a for a in item.actions if in_year(a, plan_year)]
        if planned:
            blocks.append(action_table(planned))
        else:
            blocks.append(Paragraph(f"Voor {plan_year} zijn nog geen acties vastgelegd."))
    chosen = {p.theme_code for p in priorities}
    going = [c for c in load_catalogue().theme_codes if c not in chosen]
    if going:
        blocks.append(Heading(1, "3 Overige strategische thema's (going concern)"))
        blocks.append(
            Paragraph(f"Deze thema's lopen in {plan_year} door met de bestaande aanpak, zonder extra acties:")
        )
        blocks.append(going_concern_bullets(going))
    return BlocksDocument(
        f"Uitvoeringsplan {plan_year}",
        f"Uitvoeringsplan {plan_year} · {who} · IVP {period}",
        f"uitvoeringsplan-{plan_year}-{file_slug(who, 'gemeente')}",
        tuple(renumber(blocks)),
    )
