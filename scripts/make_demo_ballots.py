"""Generate the ballot CSVs of the three example sessions of the fictitious Voorbeeldgemeente.

The demo must show what the product is for: groups that agree on some themes and differ on others,
a resident sample that is skewed (older residents over-represented) so that reweighting to the
population visibly matters, and a combined result whose 4th and 5th place are close, so that the
robustness view has something to say. The preferences below are invented to produce exactly that;
the randomness only adds believable individual variation. A fixed seed keeps the committed CSVs
reproducible: change this script, rerun it and commit the CSVs together with it.

Usage: ``.venv/bin/python scripts/make_demo_ballots.py`` (writes the CSVs, validates them and prints
a rough per-group summary; ``--check`` only validates the committed files).
"""

from __future__ import annotations

import argparse
import csv
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivp_core.catalogue import load_catalogue  # noqa: E402
from ivp_core.consultation.ballots import validate_ballot  # noqa: E402

DEMO_DIR = ROOT / "data" / "demo" / "voorbeeldgemeente"
SEED = 20261014
HEADER = ("participant", "theme", "criterion", "value", "wijk", "age_band")
Row = tuple[str, str, str, str, str, str]

# ------------------------------------------------------------------------------------ residents
# Latent importance (0..1) of each theme for an "average" resident; rating ≈ 1 + 4 × importance.
RESIDENT_BASE: dict[str, float] = {
    "1.1": 0.60, "1.2": 0.57, "1.3": 0.74, "1.4": 0.54,
    "2.1": 0.40, "2.2": 0.30, "2.3": 0.40, "2.4": 0.45, "2.5": 0.22,
    "3.1": 0.62, "3.2": 0.48, "3.3": 0.55, "3.4": 0.45,
    "4.1": 0.80, "4.2": 0.42, "4.3": 0.30, "4.4": 0.40,
    "5.1": 0.33, "5.2": 0.50, "5.3": 0.25, "5.4": 0.38, "5.5": 0.30,
}  # fmt: skip
# Shifts by age band and wijk: older residents worry more about jongeren and inbraak, young adults
# more about uitgaan and evenementen; the villages about traffic on their through roads.
AGE_SHIFT: dict[str, dict[str, float]] = {
    "jonger dan 25 jaar": {"3.1": -0.14, "3.3": -0.08, "1.3": -0.05, "2.3": 0.10, "2.4": 0.08, "5.1": 0.06,
              "5.4": 0.06, "1.4": 0.04},
    "25 tot 45 jaar": {"3.4": 0.08, "4.1": 0.03, "3.3": 0.04},
    "45 tot 65 jaar": {"1.3": 0.03, "5.2": 0.03},
    "65 jaar of ouder": {"3.1": 0.09, "1.3": 0.08, "1.4": 0.06, "4.1": 0.04, "2.4": -0.06, "2.3": -0.05,
            "5.4": -0.05},
}  # fmt: skip
WIJK_SHIFT: dict[str, dict[str, float]] = {
    "Centrum": {"2.3": 0.12, "2.1": 0.08, "1.2": 0.05, "2.4": 0.05},
    "Molenwijk": {"1.1": 0.12, "3.1": 0.09, "1.4": 0.07, "1.2": 0.04},
    "Oosterhof": {"1.3": 0.07, "3.4": 0.03},
    "Beekdorp": {"4.1": 0.09, "1.3": 0.04},
    "Zandhorst": {"4.1": 0.07, "3.3": 0.07, "5.2": 0.05},
    "Lindebroek": {"4.1": 0.08, "3.3": 0.05, "2.5": 0.08},
}
# Who responded: older residents and the villages answer more readily than young adults.
RESPONSE_AGE = {
    "jonger dan 25 jaar": 0.45,
    "25 tot 45 jaar": 0.85,
    "45 tot 65 jaar": 1.25,
    "65 jaar of ouder": 1.55,
}
RESPONSE_WIJK = {"Centrum": 0.9, "Molenwijk": 0.75, "Oosterhof": 1.0, "Beekdorp": 1.2, "Zandhorst": 1.25,
                 "Lindebroek": 1.3}  # fmt: skip
N_RESIDENTS = 240
# Themes residents know little about get "geen mening" more often.
NO_OPINION = {"2.2": 0.18, "2.5": 0.15, "4.3": 0.22, "5.1": 0.14, "5.3": 0.25, "5.4": 0.2, "5.5": 0.22,
              "4.4": 0.08, "3.2": 0.07}  # fmt: skip
NO_OPINION_DEFAULT = 0.03

# -------------------------------------------------------------------------------------- council
# The council leans to jeugdoverlast and ondermijning; its members spend a 10-point budget.
COUNCIL_BASE = {"3.1": 0.85, "5.2": 0.80, "1.3": 0.62, "1.1": 0.64, "4.1": 0.48, "3.3": 0.45, "2.4": 0.36}
N_COUNCIL = 19
COUNCIL_UNDERSPEND = {4: 9, 13: 8}  # member index -> points actually spent (allowed: at most the budget)

# ------------------------------------------------------------------------------------ werkgroep
# The werkgroep's shared judgement per theme on the five criteria (1..5), before individual variation:
# ernst, trend, impact, beinvloedbaarheid, aansluiting. It follows the analysis: ondermijning and
# high impact crime score high on impact and on regional/national priorities.
WERKGROEP_MEANS: dict[str, tuple[float, float, float, float, float]] = {
    "1.1": (3.6, 4.0, 3.7, 3.8, 2.8), "1.2": (2.6, 2.4, 2.6, 3.8, 2.0),
    "1.3": (3.8, 3.4, 4.6, 3.0, 4.4), "1.4": (2.6, 2.6, 3.0, 2.8, 2.2),
    "2.1": (2.4, 2.8, 2.4, 3.0, 2.2), "2.2": (2.2, 2.6, 2.8, 3.0, 3.0),
    "2.3": (2.6, 2.4, 3.0, 3.4, 2.2), "2.4": (3.2, 3.8, 3.6, 4.2, 2.6),
    "2.5": (2.0, 2.6, 2.4, 3.0, 2.2), "3.1": (3.5, 4.0, 3.3, 3.7, 2.8),
    "3.2": (2.6, 2.8, 3.4, 2.8, 3.2), "3.3": (3.4, 3.6, 3.6, 3.2, 3.0),
    "3.4": (1.8, 2.2, 2.6, 3.2, 2.0), "4.1": (3.3, 3.0, 3.6, 3.8, 3.0),
    "4.2": (2.0, 2.4, 3.8, 2.6, 2.6), "4.3": (1.8, 2.0, 4.0, 2.2, 2.6),
    "4.4": (2.0, 2.6, 4.0, 2.4, 3.0), "5.1": (1.8, 2.8, 3.4, 2.2, 3.2),
    "5.2": (4.0, 4.2, 4.8, 3.2, 5.0), "5.3": (1.8, 2.8, 3.2, 3.2, 3.4),
    "5.4": (2.2, 3.2, 3.4, 3.2, 3.4), "5.5": (1.6, 2.0, 3.0, 3.4, 2.4),
}  # fmt: skip
N_WERKGROEP = 8
WERKGROEP_NO_OPINION = {"trend": 0.04, "aansluiting": 0.03}  # "weet ik niet" is rare but happens


def load_yaml(name: str) -> dict[str, Any]:
    with (DEMO_DIR / name).open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict):
        raise SystemExit(f"{name}: verwacht een YAML-mapping")
    return data


def session_themes(
    session: Mapping[str, Any], all_codes: Sequence[str], candidates: Sequence[str]
) -> list[str]:
    spec = session["themes"]
    if spec == "all":
        return list(all_codes)
    if spec == "candidates":
        return list(candidates)
    return [str(c) for c in spec]


def _to_score(x: float, lo: int, hi: int) -> int:
    return int(np.clip(round(x), lo, hi))


def resident_rows(
    rng: np.random.Generator, themes: Sequence[str], population: Mapping[str, Any]
) -> Iterator[Row]:
    wijken = list(population["wijk"])
    ages = list(population["leeftijd"])
    # Joint response probability ∝ population share × response propensity (wijk and age independent).
    wijk_p = np.array([population["wijk"][w] * RESPONSE_WIJK[w] for w in wijken], dtype=float)
    age_p = np.array([population["leeftijd"][a] * RESPONSE_AGE[a] for a in ages], dtype=float)
    joint = np.outer(wijk_p, age_p).ravel()
    cells = rng.choice(joint.size, size=N_RESIDENTS, p=joint / joint.sum())
    for i, cell in enumerate(cells, start=1):
        wijk, age = wijken[cell // len(ages)], ages[cell % len(ages)]
        leniency = rng.normal(0.0, 0.08)  # some people rate everything higher or lower
        skips_more = rng.random() < 0.1  # a few hurried respondents skip many themes
        for theme in themes:
            p_skip = NO_OPINION.get(theme, NO_OPINION_DEFAULT) * (3.0 if skips_more else 1.0)
            if rng.random() < p_skip:
                value = ""
            else:
                mu = RESIDENT_BASE[theme] + AGE_SHIFT[age].get(theme, 0.0) + WIJK_SHIFT[wijk].get(theme, 0.0)
                value = str(_to_score(1 + 4 * (mu + leniency + rng.normal(0.0, 0.17)), 1, 5))
            yield (f"I{i:03d}", theme, "", value, wijk, age)


def council_rows(rng: np.random.Generator, themes: Sequence[str], budget: int) -> Iterator[Row]:
    for m in range(N_COUNCIL):
        spend = COUNCIL_UNDERSPEND.get(m, budget)
        utility = np.array([COUNCIL_BASE[t] + rng.normal(0.0, 0.22) for t in themes])
        share = np.exp(2.2 * utility)
        share /= share.sum()
        share[share < 0.08] = 0.0  # members concentrate their points on a few themes
        share /= share.sum()
        # Largest remainder: integer points that add up to exactly `spend`.
        raw = share * spend
        points = np.floor(raw).astype(int)
        for j in np.argsort(-(raw - points), kind="stable")[: spend - points.sum()]:
            points[j] += 1
        for theme, p in zip(themes, points, strict=True):
            yield (f"R{m + 1:02d}", theme, "", str(int(p)), "", "")


def werkgroep_rows(
    rng: np.random.Generator, themes: Sequence[str], criteria: Sequence[Mapping[str, Any]]
) -> Iterator[Row]:
    for m in range(N_WERKGROEP):
        bias = rng.normal(0.0, 0.3, size=len(criteria))  # each member reads a criterion a bit differently
        for theme in themes:
            for k, crit in enumerate(criteria):
                key = str(crit["key"])
                if rng.random() < WERKGROEP_NO_OPINION.get(key, 0.0):
                    value = ""
                else:
                    x = WERKGROEP_MEANS[theme][k] + bias[k] + rng.normal(0.0, 0.55)
                    value = str(_to_score(x, int(crit["min"]), int(crit["max"])))
                yield (f"W{m + 1}", theme, key, value, "", "")


def write_csv(path: Path, rows: Iterator[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)


def validate(session: Mapping[str, Any], themes: Sequence[str], all_codes: Sequence[str]) -> pd.DataFrame:
    """Parse one CSV with pandas and put every participant's ballot through the shared validation."""
    path = DEMO_DIR / session["ballots"]
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if tuple(df.columns) != HEADER:
        raise SystemExit(f"{path.name}: kolommen {list(df.columns)} wijken af van {list(HEADER)}")
    unknown = set(df["theme"]) - set(all_codes)
    if unknown or set(df["theme"]) != set(themes):
        raise SystemExit(f"{path.name}: thema's kloppen niet (onbekend: {sorted(unknown)})")
    method, settings = session["method"], session["settings"]
    for participant, part in df.groupby("participant", sort=False):
        values: dict[str, Any] = {}
        for r in part.itertuples(index=False):
            v = None if r.value == "" else int(r.value)
            if method == "criteria":
                values.setdefault(r.theme, {})[r.criterion] = v
            else:
                if r.theme in values:
                    raise SystemExit(f"{path.name}: {participant} heeft thema {r.theme} twee keer")
                values[r.theme] = v
        validate_ballot(method, settings, themes, values)  # raises BallotError with a Dutch message
    return df


def summarise(sessions: Sequence[Mapping[str, Any]], frames: Mapping[str, pd.DataFrame]) -> None:
    """Print each group's mean normalised score per theme: a quick look, not the product's aggregation."""
    scores: dict[str, pd.Series] = {}
    for s in sessions:
        df = frames[s["key"]].copy()
        df = df[df["value"] != ""]
        df["v"] = df["value"].astype(float)
        if s["method"] == "rating":
            lo, hi = s["settings"]["scale_min"], s["settings"]["scale_max"]
            scores[s["group"]] = ((df["v"] - lo) / (hi - lo)).groupby(df["theme"]).mean()
        elif s["method"] == "points":
            scores[s["group"]] = (df["v"] / s["settings"]["budget"]).groupby(df["theme"]).mean()
        else:
            crit = {c["key"]: c for c in s["settings"]["criteria"]}
            df["n"] = [
                (v - crit[c]["min"]) / (crit[c]["max"] - crit[c]["min"])
                for v, c in zip(df["v"], df["criterion"], strict=True)
            ]
            per = df.groupby(["theme", "criterion"])["n"].mean().unstack()
            weights = pd.Series({k: c["weight"] for k, c in crit.items()})
            scores[s["group"]] = (per[weights.index] * weights).sum(axis=1) / weights.sum()
    table = pd.DataFrame(scores)
    # Two crude combined views, averaged over the groups that scored a theme: the group scores
    # standardised within the group, and the group scores as they are (equal group weights).
    table["z_mean"] = ((table - table.mean()) / table.std()).mean(axis=1)
    table["raw_mean"] = table[list(scores)].mean(axis=1)
    print(table.sort_values("z_mean", ascending=False).round(3).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="alleen de bestaande CSV's controleren")
    args = parser.parse_args()

    catalogue = load_catalogue()
    all_codes = list(catalogue.theme_codes)
    municipality = load_yaml("municipality.yaml")
    analysis = load_yaml("analysis.yaml")
    sessions = load_yaml("sessions.yaml")["sessions"]
    if set(analysis["themes"]) != set(all_codes):
        raise SystemExit("analysis.yaml beschrijft niet precies de 22 thema's van de catalogus")
    candidates = [c for c in all_codes if analysis["themes"][c]["candidate"]]

    frames: dict[str, pd.DataFrame] = {}
    for s in sessions:
        themes = session_themes(s, all_codes, candidates)
        if not args.check:
            # One stream per session, so reordering sessions.yaml does not change the ballots.
            rng = np.random.default_rng([SEED, zlib.crc32(s["key"].encode())])
            if s["method"] == "rating":
                rows = resident_rows(rng, themes, municipality["population"])
            elif s["method"] == "points":
                rows = council_rows(rng, themes, int(s["settings"]["budget"]))
            elif s["method"] == "criteria":
                rows = werkgroep_rows(rng, themes, s["settings"]["criteria"])
            else:
                raise SystemExit(f"Geen generator voor methode {s['method']}")
            write_csv(DEMO_DIR / s["ballots"], rows)
        frames[s["key"]] = df = validate(s, themes, all_codes)
        print(f"{s['ballots']}: {df['participant'].nunique()} deelnemers, {len(df)} regels, geldig")
    summarise(sessions, frames)


if __name__ == "__main__":
    main()
