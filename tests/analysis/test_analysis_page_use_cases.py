"""The use cases of "Veiligheidsanalyse beheren": reads write nothing, saves go only over what was opened."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.analysis import page as uc
from ivp_core.errors import EditConflict
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import FieldAnalysis, TextRevision, ThemeAnalysis, Trajectory
from ivp_core.trajectory import manage
from ivp_core.trajectory.cli import municipality_inputs


@pytest.fixture
def own(engine: Engine) -> tuple[int, int]:
    data = manage.TrajectoryInput(
        "IVP Dalfsen", "2027-2030", municipality_inputs(["GM0148=Dalfsen"], ["GM0148:2024=29000"], [])
    )
    with session_scope(engine) as db:
        trajectory_id = manage.create(db, data, author="test")
        municipality_id = db.get_one(Trajectory, trajectory_id).municipalities[0].id
    return trajectory_id, municipality_id


def _save(own: tuple[int, int], texts: dict[str, str], opened: dict[str, str], who: str = "A") -> uc.Saved:
    return uc.save_theme_texts(uc.TextsSave(*own, "4.1", who, texts, opened))


def test_reading_a_theme_and_a_field_creates_no_row(engine: Engine, own: tuple[int, int]) -> None:
    theme = uc.load_theme_texts(*own, "4.1")
    field = uc.load_field_texts(*own, "1")
    assert theme.values["problem_text"] == "" and not theme.candidate
    assert len(field.aspects) == 6 and field.values["priorities_text"] == ""
    assert uc.load_history(*own, theme.target) == ()
    with session_scope(engine, readonly=True) as db:
        assert db.scalar(select(func.count()).select_from(ThemeAnalysis)) == 0
        assert db.scalar(select(func.count()).select_from(FieldAnalysis)) == 0


def test_a_save_over_a_text_changed_since_it_was_opened_is_refused_with_both_versions(
    engine: Engine, own: tuple[int, int]
) -> None:
    opened = uc.load_theme_texts(*own, "4.1").values
    assert _save(own, {**opened, "problem_text": "Versie A3"}, opened).changed == 1
    with pytest.raises(uc.TextsConflict) as refused:
        _save(own, {**opened, "problem_text": "Versie B3", "summary": "Samenvatting B"}, opened, "B")
    conflict = refused.value.conflicts["problem_text"]
    assert (conflict.yours, conflict.theirs) == ("Versie B3", "Versie A3")
    assert set(refused.value.conflicts) == {"problem_text"}  # the summary was not changed by anyone else
    with session_scope(engine, readonly=True) as db:
        assert db.scalar(select(func.count()).select_from(TextRevision)) == 1  # nothing of B's save written
    # Saving what is stored already is no conflict (two people typing the same fix).
    assert _save(own, {**opened, "problem_text": "Versie A3"}, opened, "B").changed == 0


def test_an_untouched_text_keeps_a_colleagues_newer_version(engine: Engine, own: tuple[int, int]) -> None:
    opened = uc.load_theme_texts(*own, "4.1").values
    _save(own, {**opened, "summary": "Van A"}, opened)
    saved = uc.save_theme_texts(
        uc.TextsSave(*own, "4.1", "B", {**opened, "problem_text": "Van B"}, opened, True, False)
    )
    assert saved.changed == 2
    now = uc.load_theme_texts(*own, "4.1")
    assert (now.values["summary"], now.values["problem_text"], now.candidate) == ("Van A", "Van B", True)
    # A still has "no candidate" on screen and did not touch the box: B's "yes" stays.
    uc.save_theme_texts(
        uc.TextsSave(*own, "4.1", "A", {**now.values, "summary": "Van A, korter"}, now.values, False, False)
    )
    assert uc.load_theme_texts(*own, "4.1").candidate


def test_a_field_aspect_changed_meanwhile_is_refused(own: tuple[int, int]) -> None:
    field = uc.load_field_texts(*own, "1")
    opened, key = field.values, field.aspects[0].approach.attribute
    uc.save_field_texts(uc.TextsSave(*own, "1", "A", {**opened, key: "Aanpak van A"}, opened))
    with pytest.raises(uc.TextsConflict) as refused:
        uc.save_field_texts(uc.TextsSave(*own, "1", "B", {**opened, key: "Aanpak van B"}, opened))
    assert refused.value.conflicts[key].theirs == "Aanpak van A"
    assert "van veld 1" in refused.value.message_nl


def test_a_mapping_row_changed_since_it_was_opened_is_refused_and_nothing_is_saved(engine: Engine) -> None:
    opened = {m.crime_type_code: m for m in uc.load_mapping()}
    first, second = list(opened.values())[1:3]

    def edit(row: uc.MappingRow, theme: str) -> uc.MappingEdit:
        text = uc.mapping_row_text(row.crime_type_code, row.crime_type_name, row.theme_code, row.note)
        return uc.MappingEdit(row.crime_type_code, theme, row.note, text)

    uc.save_mapping((edit(first, "5.1"),))  # a colleague
    with pytest.raises(EditConflict) as refused:
        uc.save_mapping((edit(first, "2.1"), edit(second, "2.1")))
    assert f"{first.crime_type_code} | {first.crime_type_name} | 5.1" in refused.value.theirs
    assert "| 2.1 |" in refused.value.yours
    now = {m.crime_type_code: m for m in uc.load_mapping()}
    assert (now[first.crime_type_code].theme_code, now[second.crime_type_code].theme_code) == (
        "5.1",
        second.theme_code,
    )
