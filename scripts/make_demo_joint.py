"""Generate the files of the fictitious joint trajectory "Rivierenland-Oost" (Stap 3a demo).

Three fictitious municipalities write one IVP together: the existing Voorbeeldgemeente (GM9999, its files
are reused as they are) and two new ones, Dijkhoven (GM9997, rural, along the dyke) and Waalmonde (GM9998,
a small town with a nightlife centre). The CBS codes do not exist. The new municipalities get their own
analysis, figures and two sessions each (a werkgroep rating all themes, the council ranking its
candidates), with preferences invented so that the local results overlap on some themes and differ on
others: that is what the combined view must show.

Figures reuse the national tables and formats of `make_demo_figures.py` (same crime types, same
Veiligheidsmonitor columns), with each municipality's own level and trend; the national rows (NL01) come
from the Voorbeeldgemeente's files, so only the municipality's own rows are written here.

Seeded: `.venv/bin/python scripts/make_demo_joint.py` rewrites `data/demo/rivierenland/` byte for byte.
"""

from __future__ import annotations

import csv
import sys
import zlib
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_demo_figures as figures  # noqa: E402
from make_demo_ballots import HEADER, Row, _to_score, write_csv  # noqa: E402

from ivp_core.catalogue import load_catalogue  # noqa: E402
from ivp_core.consultation.ballots import validate_ballot  # noqa: E402

OUT = ROOT / "data" / "demo" / "rivierenland"
SEED = 20261101
N_WERKGROEP = 7
N_RAAD = 15
RANK_K = 5

# Per municipality: identity, the themes the werkgroep and the council find important (latent 0..1, others
# get `BASE`), the candidates the council ranks, local crime level by crime-type prefix, Veiligheidsmonitor
# offsets, and the analysis texts of the themes that stand out (the rest get a neutral line).
BASE = 0.35
MUNICIPALITIES: dict[str, dict[str, Any]] = {
    "dijkhoven": {
        "name": "Dijkhoven",
        "cbs_code": "GM9997",
        "inhabitants": 24500,
        "population": {2019: 24_100, 2020: 24_150, 2021: 24_250, 2022: 24_300, 2023: 24_400, 2024: 24_500},
        "werkgroep": {"4.1": 0.90, "5.2": 0.82, "1.3": 0.70, "2.5": 0.75, "3.1": 0.45, "1.1": 0.42},
        "raad": {"4.1": 0.90, "5.2": 0.78, "2.5": 0.74, "1.3": 0.66, "3.1": 0.40, "1.1": 0.35},
        "candidates": ["4.1", "5.2", "1.3", "2.5", "3.1", "1.1"],
        "crime_level": {"1.1.1": 1.4, "1.1.2": 1.5, "3.1.1": 1.6, "2.7.2": 1.3, "3.5.": 1.4, "1.4.": 0.7},
        "vm_offset": {"TeHardRijden_41": 9.0, "AgressiefVerkeersgedrag_42": 3.0, "Drugsoverlast_47": -6.0},
        "texts": {
            "4.1": (
                "Op de dijkwegen en de doorgaande wegen door de dorpen wordt te hard gereden; er gebeuren "
                "meer ongevallen met letsel dan in vergelijkbare gemeenten.",
                "Ruim de helft van de inwoners noemt te hard rijden een probleem, vooral langs de Dijkweg en "
                "in Oudewaard. Landbouwverkeer en fietsende scholieren delen smalle wegen.",
            ),
            "5.2": (
                "In lege stallen en schuren zijn drugslabs en hennepkwekerijen gevonden. De gemeente wil "
                "boeren en verhuurders beter helpen dit te herkennen.",
                "Het RIEC-beeld noemt het buitengebied kwetsbaar: leegstaande agrarische gebouwen, weinig "
                "sociale controle. Er waren drie dumpingen van drugsafval in vier jaar.",
            ),
            "2.5": (
                "Rond de jachthaven en de campings aan de rivier is het 's zomers druk; er zijn diefstallen uit "
                "boten en overlast op de stranden.",
                "Meldingen rond de jachthaven De Waard en de recreatieplassen stijgen in de zomermaanden. "
                "Toezicht op het water is versnipperd over gemeente, waterschap en politie.",
            ),
            "1.3": (
                "Woninginbraken en inbraken in schuren en garages komen vaker voor dan gemiddeld, vooral in "
                "de buitengebieden.",
                "Inbraken in schuren en bijgebouwen liggen boven het landelijke niveau; veel woningen liggen "
                "afgelegen en zijn vanaf de weg slecht te zien.",
            ),
        },
    },
    "waalmonde": {
        "name": "Waalmonde",
        "cbs_code": "GM9998",
        "inhabitants": 61000,
        "population": {2019: 59_800, 2020: 60_100, 2021: 60_300, 2022: 60_600, 2023: 60_800, 2024: 61_000},
        "werkgroep": {"5.2": 0.88, "3.1": 0.80, "2.3": 0.76, "3.3": 0.70, "4.1": 0.58, "1.3": 0.50},
        "raad": {"3.1": 0.86, "5.2": 0.84, "2.3": 0.78, "3.3": 0.62, "4.1": 0.55, "1.3": 0.48},
        "candidates": ["5.2", "3.1", "2.3", "3.3", "4.1", "1.3"],
        "crime_level": {"1.4.": 1.35, "3.1.1": 1.5, "2.1.1": 1.4, "1.1.1": 0.75, "3.6.4": 1.5},
        "vm_offset": {
            "RondhangendeJongeren_35": 8.0,
            "VoeltZichOnveiligRondUitgaansgelegenheden_32": 9.0,
            "OverlastVanHorecagelegenheden_31": 4.0,
            "Drugsoverlast_47": 5.0,
        },
        "texts": {
            "3.1": (
                "Groepen jongeren zorgen voor overlast bij het station en in het Havenkwartier; er zijn twee "
                "hinderlijke jeugdgroepen in beeld.",
                "Het aantal meldingen jeugdoverlast is in drie jaar met ongeveer een derde gestegen. Bewoners "
                "van het Havenkwartier noemen rondhangende jongeren vaker dan gemiddeld.",
            ),
            "2.3": (
                "Op vrijdag- en zaterdagnacht is het rond de Markt soms onrustig; er zijn vechtpartijen en "
                "bewoners hebben last van lawaai.",
                "Geweld in het uitgaansgebied ligt boven het niveau van vergelijkbare gemeenten. Het "
                "convenant Veilig Uitgaan is verlopen en wordt nu vernieuwd.",
            ),
            "5.2": (
                "Via de haven en enkele bedrijfspanden lopen sporen van drugshandel en witwassen.",
                "Het RIEC-beeld wijst op drugshandel via de binnenhaven en op vastgoed dat contant wordt "
                "gekocht. Er lopen vier Bibob-onderzoeken.",
            ),
            "3.3": (
                "Jongeren drinken vaker en eerder alcohol dan elders, en lachgas duikt op in het centrum.",
                "De GGD-monitor laat meer alcoholgebruik onder scholieren zien dan gemiddeld in de regio.",
            ),
        },
    },
}
NEUTRAL = (
    "Dit thema wijkt in {name} niet duidelijk af van vergelijkbare gemeenten; de huidige aanpak loopt door.",
    "De cijfers liggen rond het landelijke niveau en laten geen duidelijke stijging zien.",
)


def werkgroep_rows(rng: np.random.Generator, prefs: Mapping[str, float], themes: list[str]) -> Iterator[Row]:
    for m in range(N_WERKGROEP):
        leniency = rng.normal(0.0, 0.08)
        for theme in themes:
            mu = prefs.get(theme, BASE) + leniency + rng.normal(0.0, 0.12)
            yield (f"W{m + 1}", theme, "", str(_to_score(1 + 4 * mu, 1, 5)), "", "")


def raad_rows(rng: np.random.Generator, prefs: Mapping[str, float], themes: list[str]) -> Iterator[Row]:
    """Each member ranks a top 5 of the candidates by the shared preference plus personal noise."""
    for m in range(N_RAAD):
        utility = {t: prefs.get(t, BASE) + rng.normal(0.0, 0.12) for t in themes}
        order = sorted(themes, key=lambda t: -utility[t])[:RANK_K]
        for theme in themes:
            rank = order.index(theme) + 1 if theme in order else ""
            yield (f"R{m + 1:02d}", theme, "", str(rank), "", "")


def sessions_yaml() -> dict[str, Any]:
    return {
        "sessions": [
            {
                "key": "werkgroep",
                "kind": "werkgroep",
                "group": "werkgroep",
                "title": "Lokale werkgroep IVP",
                "held_on": date(2026, 9, 24),
                "method": "rating",
                "settings": {"scale_min": 1, "scale_max": 5},
                "themes": "all",
                "status": "gesloten",
                "ballots": "ballots_werkgroep.csv",
            },
            {
                "key": "raad",
                "kind": "raadscommissie",
                "group": "raad",
                "title": "Opiniërende bijeenkomst gemeenteraad",
                "held_on": date(2026, 10, 8),
                "method": "ranking",
                "settings": {"k": RANK_K},
                "themes": "candidates",
                "status": "gesloten",
                "ballots": "ballots_raad.csv",
            },
        ]
    }


def analysis_yaml(spec: Mapping[str, Any]) -> dict[str, Any]:
    themes: dict[str, Any] = {}
    for code in load_catalogue().theme_codes:
        summary, problem = spec["texts"].get(code, tuple(t.format(name=spec["name"]) for t in NEUTRAL))
        candidate = code in spec["candidates"]
        themes[code] = {
            "summary": summary,
            "problem": problem,
            "approach": "Aanpak volgens het vorige IVP, met politie en partners in het basisteam.",
            "extra": "Zie de gezamenlijke afweging in Stap 3a." if candidate else "",
            "candidate": candidate,
            "candidate_reason": "Genoemd in de lokale werkgroep en de cijfers." if candidate else "",
        }
    return {"themes": themes, "fields": {}}


def _level(code: str, levels: Mapping[str, float]) -> float:
    return next((v for prefix, v in levels.items() if code.startswith(prefix)), 1.0)


def write_police(folder: Path, spec: Mapping[str, Any], rng: np.random.Generator) -> None:
    """The municipality's own rows of 47013NED, from the national counts the Voorbeeldgemeente uses."""
    gm, pop = spec["cbs_code"], spec["population"]
    share = pop[2023] / figures.POP_NL[2023]
    lines = ["ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;Internetaangiften_3"]
    totals = dict.fromkeys(figures.YEARS, 0)
    body: list[tuple[str, int, int]] = []
    for code, (national, ratio, trend) in figures.CRIME_TYPES.items():
        for index, year in enumerate(figures.YEARS):
            level = ratio * _level(code, spec["crime_level"]) * trend[index]
            value = figures.round5(national * share * level * float(rng.uniform(0.93, 1.07)))
            totals[year] += value
            body.append((code, year, value))
    listed = sum(n for n, _r, _t in figures.CRIME_TYPES.values())
    for year in figures.YEARS:
        rest = (figures.NATIONAL_TOTAL_2023 - listed) * figures.NATIONAL_YEAR_FACTOR[year] * share
        body.append(("0.0.0", year, figures.round5(totals[year] + rest)))
    for row_id, (code, year, value) in enumerate(sorted(body), start=1):
        cells = [value, figures.round5(value * 0.7), figures.round5(value * 0.2)]
        lines.append(
            ";".join(
                [
                    str(row_id),
                    code.ljust(6),
                    gm.ljust(10),
                    f"{year}JJ00",
                    *(figures.padded(str(c)) for c in cells),
                ]
            )
        )
    (folder / "politie_47013NED_misdrijven.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_veiligheidsmonitor(folder: Path, spec: Mapping[str, Any], rng: np.random.Generator) -> None:
    columns = list(figures.VM_COLUMNS)
    lines = ["\ufeffID;Marges;RegioS;Perioden;" + ";".join(columns)]
    row_id = 0
    for index, year in enumerate(figures.VM_YEARS):
        values, lows, highs = [], [], []
        for column in columns:
            national, offset, trend, decimals, half = figures.VM_COLUMNS[column]
            extra = spec["vm_offset"].get(column, 0.0) * (0.6 + 0.2 * index)  # their own issues grew
            value = (
                national[index] + offset / 2 + extra + trend[index] + float(rng.uniform(-0.3, 0.3)) * half / 2
            )
            values.append(f"{value:.{decimals}f}")
            lows.append(f"{value - half * 1.2:.{decimals}f}")
            highs.append(f"{value + half * 1.2:.{decimals}f}")
        for margin, cells in (("MW00000", values), ("MOG0095", lows), ("MBG0095", highs)):
            row_id += 1
            lines.append(
                ";".join(
                    [
                        str(row_id),
                        margin,
                        spec["cbs_code"].ljust(10),
                        f"{year}JJ00",
                        *map(figures.padded, cells),
                    ]
                )
            )
    (folder / "veiligheidsmonitor_85146NED.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_population(folder: Path, spec: Mapping[str, Any]) -> None:
    with (folder / "bevolking.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["theme_code", "indicator", "year", "value", "unit", "source", "region_code"])
        for year, value in spec["population"].items():
            writer.writerow(
                ["", "Inwoners", year, value, "inwoners", "CBS Bevolking (1 januari)", spec["cbs_code"]]
            )


def validate(folder: Path, sessions: list[Mapping[str, Any]], candidates: list[str]) -> None:
    """Every generated ballot goes through the shared validation, as the demo loader will."""
    all_codes = list(load_catalogue().theme_codes)
    for s in sessions:
        themes = all_codes if s["themes"] == "all" else candidates
        with (folder / s["ballots"]).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert tuple(rows[0]) == HEADER
        ballots: dict[str, dict[str, int | None]] = {}
        for r in rows:
            ballots.setdefault(r["participant"], {})[r["theme"]] = int(r["value"]) if r["value"] else None
        for values in ballots.values():
            validate_ballot(s["method"], s["settings"], themes, values)
        print(f"{folder.name}/{s['ballots']}: {len(ballots)} deelnemers, geldig")


def main() -> None:
    all_codes = list(load_catalogue().theme_codes)
    for key, spec in MUNICIPALITIES.items():
        folder = OUT / key
        (folder / "figures").mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng([SEED, zlib.crc32(key.encode())])
        info = {
            "name": spec["name"],
            "cbs_code": spec["cbs_code"],
            "inhabitants": spec["inhabitants"],
            "fictitious": True,
        }
        header = f"# Fictieve gemeente (gegenereerd door scripts/make_demo_joint.py). {spec['cbs_code']} bestaat niet.\n"
        (folder / "municipality.yaml").write_text(
            header + yaml.safe_dump(info, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        (folder / "analysis.yaml").write_text(
            yaml.safe_dump(analysis_yaml(spec), allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        sessions = sessions_yaml()
        (folder / "sessions.yaml").write_text(
            yaml.safe_dump(sessions, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        write_csv(folder / "ballots_werkgroep.csv", werkgroep_rows(rng, spec["werkgroep"], all_codes))
        write_csv(folder / "ballots_raad.csv", raad_rows(rng, spec["raad"], spec["candidates"]))
        write_police(folder / "figures", spec, rng)
        write_veiligheidsmonitor(folder / "figures", spec, rng)
        write_population(folder / "figures", spec)
        validate(folder, sessions["sessions"], spec["candidates"])


if __name__ == "__main__":
    main()
