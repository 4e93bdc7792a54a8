"""Generated whole-country files shaped like the real raw downloads, for the comparison's tests and bench.

`write_crime_file`: the police's 47013NED ("alle gemeenten") with padded keys and values, `.` for unknown,
yearly rows for the first year and monthly rows after, plus Nederland (NL01) and a province (skipped).
`write_population_file`: CBS "Bevolking op 1 januari" (03759ned) with its other classifications (totals and a
split that must be skipped). `write_kwb_file`: "Kerncijfers wijken en buurten" with MateVanStedelijkheid (and Nederland as NL00, as there).
Nothing here computes a rate: the test reads the files back itself.
"""

from __future__ import annotations

import random
from pathlib import Path

from ivp_core.analysis.importers.mapping import read_proposal

OWN = "GM0148"
YEARS = (2021, 2022, 2023)
#: Inhabitants per municipality: every CBS size class, the own municipality's (20.000–50.000) with many.
SIZES = (
    [28_900]
    + [1_900, 3_400, 4_800]
    + [5_200, 6_900, 8_100, 9_700]
    + [10_400, 12_800, 15_500, 17_900, 19_600]
    + [21_000 + 1_700 * i for i in range(17)]
    + [52_000, 61_000, 74_000, 88_000, 97_000, 58_500, 66_600, 79_900]
    + [101_000, 118_000, 133_000, 149_000]
    + [157_000, 178_000, 212_000, 231_000]
    + [258_000, 361_000, 551_000, 935_000]
    + [7_400, 13_100, 33_300, 44_400, 47_900, 81_000, 16_200, 11_100]
)  # fmt: skip
CODES = [OWN, *[f"GM{n:04d}" for n in range(1, 2000, 31) if n != 148][: len(SIZES) - 1]]


def municipalities() -> dict[str, int]:
    return dict(zip(CODES, SIZES, strict=True))


def crime_keys() -> list[str]:
    return ["0.0.0", *(row.crime_type_code for row in read_proposal())]


def _cell(value: int | None, width: int = 6) -> str:
    return f"{'.' if value is None else value:>{width}}"


def whole_country(count: int = 342, seed: int = 7) -> dict[str, int]:
    """`count` municipalities with sizes spread like the Netherlands' (many of 20.000–50.000), for the bench."""
    rng = random.Random(seed)
    codes = [f"GM{n:04d}" for n in range(1, 2000) if n != 148][: count - 1]
    return {OWN: 28_900} | {code: int(rng.lognormvariate(10.3, 0.8)) for code in codes}


def write_crime_file(
    path: Path,
    *,
    seed: int = 29,
    years: tuple[int, ...] = YEARS,
    monthly_years: tuple[int, ...] = YEARS[1:],
    places: dict[str, int] | None = None,
) -> int:
    """Rows written. About 0.1% of the values are unknown; counts are multiples of 5 as the police round them."""
    rng = random.Random(seed)
    regions = {**(places or municipalities()), "NL01": 17_900_000, "PV23": 1_180_000}
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;Internetaangiften_3\n"
        )
        for region, inhabitants in regions.items():
            for crime in crime_keys():
                for year in years:
                    periods = (
                        [f"{year}MM{m:02d}" for m in range(1, 13)]
                        if year in monthly_years
                        else [f"{year}JJ00"]
                    )
                    scale = inhabitants / 1000 * (12 if len(periods) == 1 else 1)
                    for period in periods:
                        value = None if rng.random() < 0.001 else 5 * round(rng.uniform(0, scale * 1.2) / 5)
                        out.write(
                            f"{rows};{crime:<6};{region:<10};{period};{_cell(value)};{_cell(value)};{_cell(None)}\n"
                        )
                        rows += 1
    return rows


def write_population_file(path: Path, *, unknown: str = "GM0032") -> None:
    """03759ned: totals (T001038;10000;T001019) and a men-only split that must not be counted."""
    regions = {**municipalities(), "NL01": 17_900_000, "PV23": 1_180_000}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            "ID;Geslacht;Leeftijd;BurgerlijkeStaat;RegioS;Perioden;BevolkingOp1Januari_1;GemiddeldeBevolking_2\n"
        )
        row = 0
        for region, inhabitants in regions.items():
            for offset, year in enumerate(YEARS):
                value = None if (region == unknown and year == YEARS[-1]) else inhabitants + 37 * offset
                for sex, share in (("T001038", 1.0), ("3000   ", 0.49)):
                    shown = None if value is None else round(value * share)
                    out.write(
                        f"{row};{sex};10000  ;T001019;{region:<10};{year}JJ00;{_cell(shown, 9)};{_cell(shown, 9)}\n"
                    )
                    row += 1


def urbanisation(code: str) -> int | None:
    """A fixed, spread-out degree of urbanisation per municipality; the own one is 4, one is unknown."""
    if code == OWN:
        return 4
    if code == "GM0063":
        return None
    return 1 + int(code[2:]) % 5


def write_kwb_file(path: Path, year: int = YEARS[-1], *, unknown: str = "GM0032") -> None:
    """Kerncijfers wijken en buurten of `year`: municipalities, a wijk (skipped) and Nederland."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;MateVanStedelijkheid_104\n"
        )
        row = 0
        for code, inhabitants in municipalities().items():
            value = None if code == unknown else inhabitants + 37 * YEARS.index(year)
            out.write(
                f"{row};{code:<10};Gemeente {code}  ;Gemeente  ;{code:<10};{_cell(value, 7)};{_cell(urbanisation(code), 3)}\n"
            )
            out.write(
                f"{row + 1};WK{code[2:]}01  ;Gemeente {code}  ;Wijk      ;WK{code[2:]}01  ;    500;  1\n"
            )
            row += 2
        out.write(
            f"{row};NL00      ;Nederland;Land      ;NL00      ;{17_900_000 + 37 * YEARS.index(year):>9};  .\n"
        )
