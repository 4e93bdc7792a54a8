"""The veiligheidsanalyserapportage: figures with source, unit and years, the three texts, field 1's aspects."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.analysis.texts import update_field_analysis
from ivp_core.report.blocks import Heading, Image, Paragraph, TableBlock
from ivp_core.report.documents.veiligheidsanalyse import NOT_FILLED, build_analysis_document
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.report.factory import build_trajectory


def test_the_analysis_has_figures_texts_and_both_answers_per_aspect(engine: Engine) -> None:
    built = build_trajectory(engine)
    with session_scope(engine) as db:
        mid = db.get(Trajectory, built.trajectory_id).municipalities[0].id
        update_field_analysis(
            db, built.trajectory_id, mid, "1", "coördinator",
            priorities_text="1.3 en 1.1 liggen voor de hand.",
            aspects={"a": "Wijkteams in drie wijken.", "a.extra": "Een wijkteam voor de kernen.", "b": "Schouw."},
        )  # fmt: skip
    with session_scope(engine) as db:
        doc = build_analysis_document(db, built.trajectory_id, mid)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert [h for h in headings if h.split(" ", 1)[1].startswith("Veld ")] == [
        "2 Veld 1: Veilige woon- en leefomgeving", "3 Veld 2: Bedrijvigheid en veiligheid",
        "4 Veld 3: Jeugd en veiligheid", "5 Veld 4: Fysieke veiligheid", "6 Veld 5: Integriteit en veiligheid",
    ]  # fmt: skip
    assert len([h for h in headings if h[:1].isdigit() and h[1:2] == "." and h[3:4] == " "]) == 22
    aspects = next(
        b
        for b in doc.blocks
        if isinstance(b, TableBlock) and b.header == ("Aspect", "Huidige aanpak", "Extra?")
    )
    assert aspects.rows[0][1:] == ("Wijkteams in drie wijken.", "Een wijkteam voor de kernen.")
    assert aspects.rows[1][1:] == ("Schouw.", NOT_FILLED)  # an approach stored without an extra
    labels = [b.label for b in doc.blocks if isinstance(b, Paragraph)]
    assert {"Problematiek: ", "Huidige aanpak: ", "Extra? "} <= set(labels)
    assert any(b.text == "1.3 en 1.1 liggen voor de hand." for b in doc.blocks if isinstance(b, Paragraph))
    captions = [b.chart.caption for b in doc.blocks if isinstance(b, Image)]
    assert captions and all(c.startswith("Eenheid: ") and "Bron: " in c and "Jaren: " in c for c in captions)


def test_the_demo_fills_both_answers_of_every_field_one_aspect(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        trajectory = db.query(Trajectory).one()
        doc = build_analysis_document(db, trajectory.id, trajectory.municipalities[0].id)
    aspects = next(b for b in doc.blocks if isinstance(b, TableBlock) and b.header[0] == "Aspect")
    assert len(aspects.rows) == 6
    assert all(row[1] and row[2] and "Nog niet ingevuld" not in " ".join(row) for row in aspects.rows)
    assert aspects.rows[0][2].startswith("Een wijkveiligheidsplan ook voor Oosterhof")
