"""A complete, small trajectory written straight through the ORM: analysis, figures, three sessions with
ballots, a comment, an invitation code and a final choice computed by the real aggregation.

Free texts contain formula-like values on purpose, and every participant has a real-looking token hash,
so the export tests can prove neutralisation and the absence of hashes.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from ivp_core.advice.aggregate.combine import aggregate
from ivp_core.advice.aggregate.consensus import consensus
from ivp_core.advice.aggregate.model import AggregationSettings, RaterBallot, SessionBallots
from ivp_core.catalogue import load_catalogue
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import (
    Ballot,
    BallotItem,
    Comment,
    CrimeTypeMapping,
    EffectIndicator,
    FieldAnalysis,
    Figure,
    ImportBatch,
    InvitationCode,
    Municipality,
    OpinionSession,
    Participant,
    PopulationShare,
    PriorityDecision,
    TextRevision,
    ThemeAnalysis,
    Trajectory,
)

FORMULA_REASON = '=HYPERLINK("http://kwaad.example","klik")'
FORMULA_COMMENT = "@SUM(1+1)*cmd|' /C calc'!A0"
CRITERIA = [
    {"key": "ernst", "label": "Ernst en omvang", "weight": 0.5, "min": 1, "max": 5},
    {"key": "impact", "label": "Maatschappelijke impact", "weight": 0.5, "min": 1, "max": 5},
]
#: Themes the simulated participants like best, so the outcome is predictable.
FAVOURITES = ("1.3", "4.1", "3.1", "5.2")


@dataclass(frozen=True)
class Built:
    trajectory_id: int
    token_hashes: tuple[str, ...]
    code_hashes: tuple[str, ...]
    chosen: tuple[str, ...]
    advice_priorities: tuple[str, ...]
    n_ballots: dict[str, int]  # per session title


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _preference(rng: random.Random, code: str, low: int, high: int) -> int:
    bonus = 2 if code in FAVOURITES else 0
    return max(low, min(high, rng.randint(low, high - 2) + bonus))


def build_trajectory(engine: Engine, *, name: str = "IVP Testdorp", seed: int = 7) -> Built:
    rng = random.Random(seed)
    themes = load_catalogue().theme_codes
    hashes: list[str] = []
    inputs: list[SessionBallots] = []
    counts: dict[str, int] = {}
    with session_scope(engine) as s:
        town = s.query(Municipality).filter_by(name="Testdorp").one_or_none()
        if town is None:
            town = Municipality(name="Testdorp", cbs_code="GM0999", inhabitants=12000, fictitious=True)
        other = s.query(Municipality).filter_by(name="Elders").one_or_none()
        if other is None:
            other = Municipality(name="Elders", cbs_code="GM0888", inhabitants=5000)
        trajectory = Trajectory(
            name=name,
            period_start=2027,
            period_end=2030,
            fictitious=True,
            settings={"benchmark_regions": ["NL01"]},
        )
        trajectory.municipalities.append(town)
        s.add_all([trajectory, other])
        s.flush()
        for code in themes:
            s.add(
                ThemeAnalysis(
                    trajectory_id=trajectory.id,
                    municipality_id=town.id,
                    theme_code=code,
                    summary=f"Samenvatting {code}: <b>vet</b> & zo",
                    problem_text=f"Problematiek {code}",
                    candidate=code in FAVOURITES,
                    candidate_reason=FORMULA_REASON if code == "1.3" else "",
                )
            )
        for field in load_catalogue().fields:
            s.add(
                FieldAnalysis(
                    trajectory_id=trajectory.id,
                    municipality_id=town.id,
                    field_code=field.code,
                    aspects={"a": "preventie"} if field.code == "1" else {},
                )
            )
        s.add(
            TextRevision(
                trajectory_id=trajectory.id,
                municipality_id=town.id,
                target="theme:1.3",
                attribute="problem_text",
                old_value="",
                new_value="Problematiek 1.3",
                author="coördinator",
            )
        )
        batch = ImportBatch(
            municipality_id=town.id,
            filename="47013NED.csv",
            file_format="statline",
            row_count=3,
            sha256=_hash("47013"),
        )
        national = ImportBatch(
            municipality_id=None, filename="landelijk.csv", file_format="long", row_count=1
        )
        unrelated = ImportBatch(
            municipality_id=other.id, filename="elders.csv", file_format="long", row_count=1
        )
        s.add_all([batch, national, unrelated])
        s.flush()
        for year, value in ((2023, 14.1), (2024, 12.9)):
            s.add(
                Figure(
                    batch_id=batch.id,
                    region_code="GM0999",
                    theme_code="1.3",
                    indicator="Misdrijven per 1000",
                    year=year,
                    value=value,
                    unit="per 1000",
                    source=f"CBS {name}",
                )
            )
        s.add(
            Figure(
                batch_id=national.id,
                region_code="NL01",
                theme_code="1.3",
                indicator="Misdrijven per 1000",
                year=2024,
                value=45.0,
                source=f"CBS {name}",
                margin_low=44.0,
                margin_high=46.0,
            )
        )
        s.add(
            Figure(
                batch_id=unrelated.id,
                region_code="GM0888",
                theme_code="1.3",
                indicator="Misdrijven per 1000",
                year=2024,
                value=8.0,
                source=f"CBS {name}",
            )
        )
        if s.get(CrimeTypeMapping, "1.1.1") is None:
            s.add(
                CrimeTypeMapping(
                    crime_type_code="1.1.1", crime_type_name="Diefstal/inbraak woning", theme_code="1.3"
                )
            )

        specs = [
            (
                "werkgroep",
                "werkgroep",
                "Werkgroep scoring",
                date(2026, 9, 30),
                "criteria",
                {"criteria": CRITERIA},
                6,
            ),
            (
                "inwonersconsultatie",
                "inwoners",
                "Online raadpleging",
                date(2026, 10, 1),
                "rating",
                {"scale_min": 1, "scale_max": 5},
                25,
            ),
            (
                "raadscommissie",
                "raad",
                "Raadscommissie Bestuur",
                date(2026, 10, 14),
                "points",
                {"budget": 10},
                9,
            ),
        ]
        for kind, group, title, held_on, method, settings, n in specs:
            row = OpinionSession(
                trajectory_id=trajectory.id,
                municipality_id=town.id,
                kind=kind,
                group=group,
                title=title,
                held_on=held_on,
                method=method,
                settings=settings,
                themes=list(themes),
                code=f"T{rng.randrange(10**7):07d}",
                status="gesloten",
            )
            s.add(row)
            s.flush()
            raters: list[RaterBallot] = []
            for i in range(n):
                token_hash = _hash(f"{title}-{i}-{seed}-{name}")
                hashes.append(token_hash)
                wijk = ("Noord", "Zuid")[i % 2] if group == "inwoners" else None
                p = Participant(
                    session_id=row.id, token_hash=token_hash, label="" if i == 0 else f"P{i}", wijk=wijk
                )
                s.add(p)
                s.flush()
                weight = 3.0 if (group == "raad" and i == 0) else 1.0
                ballot = Ballot(
                    session_id=row.id,
                    participant_id=p.id,
                    weight=weight,
                    entry="handopsteking" if weight > 1 else "online",
                )
                values: dict[str, float | None] = {}
                criteria: dict[tuple[str, str], float | None] = {}
                if method == "criteria":
                    for code in themes:
                        for c in CRITERIA:
                            v = float(_preference(rng, code, 1, 5))
                            criteria[(code, c["key"])] = v
                            ballot.items.append(BallotItem(theme_code=code, criterion=c["key"], value=v))
                elif method == "rating":
                    for code in themes:
                        v = None if rng.random() < 0.05 else float(_preference(rng, code, 1, 5))
                        values[code] = v
                        ballot.items.append(BallotItem(theme_code=code, value=v))
                else:
                    picks = list(FAVOURITES) if rng.random() < 0.8 else rng.sample(themes, 4)
                    budget = [4, 3, 2, 1]
                    for code, points in zip(picks, budget, strict=True):
                        values[code] = float(points)
                        ballot.items.append(BallotItem(theme_code=code, value=float(points)))
                s.add(ballot)
                raters.append(
                    RaterBallot(
                        participant=p.label or f"x{i}",
                        values=values,
                        criteria=criteria,
                        weight=weight,
                        wijk=wijk,
                    )
                )
            counts[title] = n
            inputs.append(SessionBallots(str(row.id), group, method, tuple(themes), settings, tuple(raters)))
            if kind == "raadscommissie":
                s.add(
                    Comment(
                        session_id=row.id,
                        participant_id=p.id,
                        theme_code="1.3",
                        text=FORMULA_COMMENT,
                        status="goedgekeurd",
                    )
                )
                code_hash = _hash(f"invite-{name}")
                s.add(InvitationCode(session_id=row.id, code_hash=code_hash, used_by=p.id))
        s.add(
            PopulationShare(
                trajectory_id=trajectory.id,
                municipality_id=town.id,
                dimension="wijk",
                category="Noord",
                population=7000,
            )
        )
        settings = AggregationSettings(top_k=4, resamples=200, seed=11)
        result = aggregate(inputs, settings, themes=themes)
        advice = {**result.to_dict(), "consensus": consensus(inputs, themes).to_dict()}
        chosen = [*result.priorities[:3], "2.1"]
        s.add(
            PriorityDecision(
                trajectory_id=trajectory.id,
                municipality_id=town.id,
                settings={"top_k": 4, "resamples": 200, "seed": 11, "ranking_rule": "default"},
                advice=advice,
                chosen=chosen,
                reason="-Winkeldiefstal weegt zwaar in het centrum.",
                decided_by="coördinator",
                decided_at=datetime(2026, 10, 20, 14, 0, tzinfo=UTC),
            )
        )
        s.add(
            EffectIndicator(
                trajectory_id=trajectory.id,
                municipality_id=town.id,
                theme_code=chosen[0],
                indicator="Misdrijven per 1000",
                baseline_year=2024,
                baseline_value=12.9,
                target_year=2030,
                target_value=10.0,
            )
        )
        return Built(
            trajectory.id, tuple(hashes), (code_hash,), tuple(chosen), tuple(result.priorities), counts
        )
