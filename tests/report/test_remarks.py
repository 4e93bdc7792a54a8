"""Remarks per priority in the verslag: a counted summary that a reader can check, then the quotes."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.report.blocks import Bullets, Paragraph
from ivp_core.report.documents.verslag import document_blocks
from ivp_core.report.documents.verslag_model import build_report
from ivp_core.report.remarks import summarise_remarks, summary_sentences
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory

REMARKS = (
    "Er wordt ingebroken bij ons in de straat.",  # 'straat' only
    "Jongeren op scooters rijden door de straat, 's avonds is het onrustig.",  # straat, scooters, avonds
    "Overlast van scooters in de avond.",  # scooters
    "Meer toezicht op scooters en in de straat 's avonds graag.",  # straat, scooters, avonds
    "Jeugdoverlast bij het station.",  # nothing recurring; the theme's own word is ignored
)


def test_the_summary_counts_groups_and_recurring_words_and_quotes_the_remarks_that_carry_them() -> None:
    summary = summarise_remarks(REMARKS, {"Raad": 1, "Inwoners": 4}, ignore="Jeugdoverlast")
    assert summary.count == 5
    assert summary.groups == (("Inwoners", 4), ("Raad", 1))
    # A word counts once per remark; function words ('bij', 'het', 'graag') and short words never count.
    assert summary.words == (("scooters", 3), ("straat", 3), ("avonds", 2))
    # The three remarks with most of those words (two with three, then the earlier of two with one), in the
    # order they were made.
    assert summary.quotes == (REMARKS[0], REMARKS[1], REMARKS[3])
    text = summary_sentences(summary)
    assert text.startswith("5 goedgekeurde opmerkingen (inwoners 4, raad 1).")
    assert "‘scooters’ (3 van de 5), ‘straat’ (3 van de 5), ‘avonds’ (2 van de 5)" in text
    assert text.endswith("Hieronder de 3 opmerkingen met de meeste van die woorden, letterlijk:")
    assert summarise_remarks(REMARKS, {}) == summarise_remarks(REMARKS, {})  # deterministic


def test_a_summary_without_recurring_words_says_so_and_quotes_in_order() -> None:
    texts = (
        "Fietsendiefstal bij het station.",
        "Inbraak in de schuur.",
        "Geweld op straat.",
        "Slecht licht.",
    )
    summary = summarise_remarks(texts, {"Inwoners": 4})
    assert summary.words == () and summary.quotes == texts[:3]
    text = summary_sentences(summary)
    assert "Geen woord komt in meer dan één opmerking terug." in text
    assert text.endswith("Hieronder de eerste 3, letterlijk:")
    one = summary_sentences(summarise_remarks(texts[:1], {"Inwoners": 1}))
    assert one == "1 goedgekeurde opmerking (inwoners 1). Letterlijk:"


def test_the_demo_verslag_summarises_only_approved_remarks(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        report = build_report(db, db.query(Trajectory).one().id)
    blocks = document_blocks(report)
    found = {}
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph) and block.label == "Wat deelnemers zeiden: ":
            quotes = blocks[i + 1]
            assert isinstance(quotes, Bullets)
            found[block.text] = quotes.items
    high_impact = next(text for text in found if "‘oplichting’ (3 van de 6)" in text)
    assert high_impact.startswith("6 goedgekeurde opmerkingen (inwoners 5, raadscommissie 1).")
    everything = " ".join(t for items in found.values() for t in items) + " ".join(found)
    assert "pak die familie" not in everything  # rejected by the facilitator
    assert "Nog niet beoordeeld" not in everything  # never moderated
