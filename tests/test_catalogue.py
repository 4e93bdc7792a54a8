from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ivp_core.catalogue import CATALOGUE_FILE, CatalogueError, load_catalogue, load_catalogue_file


def test_catalogue_has_the_methods_fields_and_themes() -> None:
    catalogue = load_catalogue()
    assert [f.code for f in catalogue.fields] == ["1", "2", "3", "4", "5"]
    assert [len(f.themes) for f in catalogue.fields] == [4, 5, 4, 4, 5]
    assert catalogue.theme_codes[0] == "1.1" and catalogue.theme_codes[-1] == "5.5"
    assert len(set(catalogue.theme_codes)) == 22
    assert len(catalogue.approach_aspects_field1) == 6
    assert {c.name for c in catalogue.cross_cutting_themes} >= {"Zorg en veiligheid", "Informatiemanagement"}


def test_every_theme_has_explanations_indicators_and_symmetric_links() -> None:
    catalogue = load_catalogue()
    for theme in catalogue.themes:
        assert theme.explanation and theme.plain_explanation and theme.effect_indicators, theme.code
        for other in theme.related:
            assert theme.code in catalogue.theme(other).related, (theme.code, other)


def test_old_names_resolve_to_current_themes() -> None:
    catalogue = load_catalogue()
    assert catalogue.theme("Veilige publieke taak").code == "5.3"
    assert catalogue.field("Jeugd en overlast").code == "3"
    assert catalogue.field_of("4.2").name == "Fysieke veiligheid"


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["fields"][1]["themes"].pop(), "verwacht 5"),
        (lambda raw: raw["fields"][0]["themes"][0].update(related=["9.9"]), "onbekende raakvlakken"),
        (lambda raw: raw["fields"][2]["themes"][0].update(code="2.9"), "hoort bij veld 3"),
        (lambda raw: raw["fields"][0]["themes"][1].update(explanation=" "), "'explanation' ontbreekt"),
        (lambda raw: raw["approach_aspects_field1"].pop(), "zes vaste aspecten"),
    ],
)
def test_a_broken_catalogue_is_refused_with_a_clear_message(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogueError, match=message):
        load_catalogue_file(_write(tmp_path, mutate))


def test_the_c_loader_and_the_python_loader_read_the_same_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml is used where PyYAML has it; without it the pure-Python loader must give the same catalogue."""
    import ivp_core.catalogue as catalogue

    with_c = load_catalogue_file(CATALOGUE_FILE)
    monkeypatch.setattr(catalogue, "_YAML_LOADER", yaml.SafeLoader)
    assert load_catalogue_file(CATALOGUE_FILE) == with_c
    assert load_catalogue() is load_catalogue()  # parsed once per process
