"""What a restore tells the coordinator about shared figures counts in Dutch: "1 cijfer", never "cijfer(s)"
(issue 27)."""

from __future__ import annotations

from ivp_core.backup.restore import SharedImpact


def test_one_differing_figure_is_one_cijfer_of_one_regio() -> None:
    text = SharedImpact(
        regions=("GM0148",), figures=1, municipalities=("Dalfsen",), trajectories=()
    ).describe()
    assert text.startswith("1 cijfer van regio GM0148 wijkt af van de cijfers in deze installatie.")
    assert "van gemeente Dalfsen;" in text
    assert "(s)" not in text and "(n)" not in text


def test_several_differing_figures_are_counted_in_the_plural() -> None:
    text = SharedImpact(
        regions=("GM0148", "GM0175"),
        figures=12,
        municipalities=("Dalfsen", "Ommen"),
        trajectories=("Vechtdal",),
    ).describe()
    assert text.startswith("12 cijfers van regio's GM0148, GM0175 wijken af")
    assert "van de gemeenten Dalfsen, Ommen;" in text
