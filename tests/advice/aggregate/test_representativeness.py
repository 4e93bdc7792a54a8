"""Participation per cell, post-stratification and raking, warnings, raw vs reweighted result."""

from __future__ import annotations

import numpy as np
import pytest

from ivp_core.advice.aggregate import AggregationError, AggregationSettings, RaterBallot, SessionBallots
from ivp_core.advice.aggregate.representativeness import (
    compare_reweighted,
    participation,
    poststratification_weights,
    representativeness,
    reweight,
)

THEMES = ("1.1", "1.2", "1.3")


def ballots(spec: list[tuple[str, str | None, int]]) -> list[RaterBallot]:
    """(wijk, age band, count); wijk Noord likes 1.1, Zuid likes 1.2."""
    out = []
    for wijk, age, count in spec:
        values = (
            {"1.1": 5.0, "1.2": 2.0, "1.3": 1.0} if wijk == "Noord" else {"1.1": 2.0, "1.2": 5.0, "1.3": 1.0}
        )
        out.extend(RaterBallot(f"{wijk}-{age}-{i}", values, wijk=wijk, age_band=age) for i in range(count))
    return out


def test_participation_against_population() -> None:
    b = ballots([("Noord", "18-39", 30), ("Zuid", "18-39", 10)])
    cells = {c.cell: c for c in participation(b, {"Noord": 500, "Zuid": 1500}, "wijk")}
    assert cells["Noord"].sample_share == 0.75 and cells["Noord"].population_share == 0.25
    assert cells["Noord"].ratio == pytest.approx(3.0)
    assert cells["Zuid"].respondents == 10 and not cells["Zuid"].small


def test_poststratification_matches_one_dimension() -> None:
    b = ballots([("Noord", "18-39", 30), ("Zuid", "18-39", 10)])
    w = np.array(poststratification_weights(b, {"wijk": {"Noord": 0.25, "Zuid": 0.75}}))
    assert w.mean() == pytest.approx(1.0)
    noord = np.array([x.wijk == "Noord" for x in b])
    assert w[noord].sum() / w.sum() == pytest.approx(0.25)
    assert w[noord][0] == pytest.approx(0.25 / 0.75)


def test_raking_matches_both_margins() -> None:
    b = ballots([("Noord", "18-39", 20), ("Noord", "65+", 5), ("Zuid", "18-39", 6), ("Zuid", "65+", 9)])
    pop = {"wijk": {"Noord": 0.4, "Zuid": 0.6}, "age_band": {"18-39": 0.5, "65+": 0.5}}
    w = np.array(poststratification_weights(b, pop))
    for dim, shares in pop.items():
        for cell, share in shares.items():
            mask = np.array([getattr(x, dim) == cell for x in b])
            assert w[mask].sum() / w.sum() == pytest.approx(share, abs=1e-8)


def test_warnings_for_small_empty_and_unknown_cells() -> None:
    b = ballots([("Noord", "18-39", 20), ("Zuid", "18-39", 3), ("Buitengebied", "18-39", 2)])
    report = representativeness(b, {"wijk": {"Noord": 0.5, "Zuid": 0.4, "Oost": 0.1}})
    text = " ".join(report.warnings)
    assert "Uit wijk of kern 'Zuid' deden maar 3 mensen mee" in text
    assert "Uit wijk of kern 'Oost' (10% van de bevolking) deed niemand mee" in text
    assert "'Buitengebied', die niet in de bevolkingscijfers staat" in text
    assert report.effective_n < len(b)
    assert report.to_dict()["cells"][0]["cell"] == "Noord"


def test_reweighted_result_beside_the_raw_one() -> None:
    inw = ballots([("Noord", None, 30), ("Zuid", None, 10)])
    sessions = [SessionBallots("inw", "inwoners", "rating", THEMES, {}, tuple(inw))]
    comparison = compare_reweighted(
        sessions, AggregationSettings(resamples=0, top_k=1), {"wijk": {"Noord": 0.25, "Zuid": 0.75}}
    )
    assert comparison.raw.priorities == ("1.1",)  # Noord answered most
    assert comparison.weighted.priorities == ("1.2",)  # but Zuid is three quarters of the population
    assert not comparison.same_priorities
    assert ("1.1", 1, 2) in comparison.rank_changes()
    assert comparison.raw.group_weights == comparison.weighted.group_weights


def test_reweight_touches_only_the_chosen_groups() -> None:
    inw = SessionBallots(
        "inw", "inwoners", "rating", THEMES, {}, tuple(ballots([("Noord", None, 3), ("Zuid", None, 1)]))
    )
    raad = SessionBallots("raad", "raad", "rating", THEMES, {}, tuple(ballots([("Noord", None, 2)])))
    out = reweight([inw, raad], {"wijk": {"Noord": 0.5, "Zuid": 0.5}})
    assert [b.weight for b in out[1].ballots] == [1.0, 1.0]
    assert sorted({round(b.weight, 6) for b in out[0].ballots}) == [pytest.approx(2 / 3), pytest.approx(2.0)]


def test_bad_population_is_refused() -> None:
    with pytest.raises(AggregationError):
        poststratification_weights(ballots([("Noord", None, 2)]), {"wijk": {"Noord": -1}})
    with pytest.raises(AggregationError):
        compare_reweighted([], AggregationSettings(resamples=0), {"wijk": {"Noord": 1}})
