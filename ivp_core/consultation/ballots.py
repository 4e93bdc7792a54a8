"""Validation of one participant's ballot, shared by the live session pages and the aggregation.

The live pages and the CSV import must refuse exactly the same ballots with exactly the same Dutch
words, so the rules live here once. Everything is pure: settings are plain dicts (as stored with a
session, typed per method below once :func:`normalise_settings` has checked them), the result is an
immutable :class:`NormalisedBallot`.

Settings per method::

    rating    {"scale_min": 1, "scale_max": 5}
    points    {"budget": 10}
    ranking   {"k": 5}
    criteria  {"criteria": [{"key": "ernst", "label": "Ernst en omvang", "weight": 0.3,
                             "min": 1, "max": 5}, ...]}

Values per method (keys are theme codes that must be on the ballot):

    rating    {theme: int | None}             None = "geen mening"; an absent theme is also missing
    points    {theme: int}                    an absent theme received 0 points
    ranking   {theme: int | None}             1 = most important; absent/None = not ranked
    criteria  {theme: {criterion_key: float | None}}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, NoReturn, TypedDict, get_args, overload

from ivp_core.errors import UserError

Method = Literal["rating", "points", "ranking", "criteria"]
METHODS: Final[tuple[Method, ...]] = get_args(Method)


class RatingSettings(TypedDict):
    scale_min: int
    scale_max: int


class PointsSettings(TypedDict):
    budget: int


class RankingSettings(TypedDict):
    k: int


class CriterionSettings(TypedDict):
    """One criterion as stored in a session's settings (JSON): the fields of :class:`Criterion`."""

    key: str
    label: str
    weight: float
    min: float
    max: float


class CriteriaSettings(TypedDict):
    criteria: list[CriterionSettings]


#: A method's settings after :func:`normalise_settings`: plain dicts, so they are stored as they are.
MethodSettings = RatingSettings | PointsSettings | RankingSettings | CriteriaSettings


class BallotError(UserError):
    """A ballot (or its session settings) that cannot be accepted.

    ``message_nl`` is meant to be shown to the participant as is; ``theme`` and ``criterion`` let a
    form highlight the offending field.
    """

    def __init__(self, message_nl: str, *, theme: str | None = None, criterion: str | None = None) -> None:
        super().__init__(message_nl)
        self.message_nl = message_nl
        self.theme = theme
        self.criterion = criterion


@dataclass(frozen=True)
class Criterion:
    """One werkgroep criterion with a fixed score range.

    The range is fixed per session (not taken from the data) so that a theme's criteria score does
    not change when other themes are scored differently.
    """

    key: str
    label: str
    weight: float
    min: float = 1.0
    max: float = 5.0

    def to_dict(self) -> CriterionSettings:
        return {"key": self.key, "label": self.label, "weight": self.weight, "min": self.min, "max": self.max}


def rank_order_centroid(k: int) -> tuple[float, ...]:
    """Rank-order-centroid weights (Barron & Barrett 1996) for k criteria in order of importance.

    A werkgroep can often agree on the order of the criteria but not on numbers; ROC turns that
    order into weights that sum to 1 (k=4: .521, .271, .146, .062).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    return tuple(sum(1.0 / j for j in range(i, k + 1)) / k for i in range(1, k + 1))


def weights_from_order(keys_in_order: Sequence[str]) -> dict[str, float]:
    """ROC weights keyed by criterion, most important first."""
    return dict(zip(keys_in_order, rank_order_centroid(len(keys_in_order)), strict=True))


#: The five criteria of the Kernbeleid Veiligheid werkgroep, equal weights by default: any other
#: weighting is a choice the werkgroep should make explicitly (directly or by :func:`weights_from_order`).
DEFAULT_CRITERIA: Final[tuple[Criterion, ...]] = (
    Criterion("ernst", "Ernst en omvang", 0.2),
    Criterion("trend", "Trend", 0.2),
    Criterion("impact", "Maatschappelijke impact", 0.2),
    Criterion("beinvloedbaarheid", "Beïnvloedbaarheid door gemeente en partners", 0.2),
    Criterion("aansluiting", "Aansluiting bij regionale en landelijke prioriteiten", 0.2),
)

#: Criterion keys used for the impact x beïnvloedbaarheid matrix.
IMPACT_KEY: Final = "impact"
INFLUENCE_KEY: Final = "beinvloedbaarheid"


def default_criteria_settings() -> CriteriaSettings:
    """Fresh (mutable) settings dict for a criteria session with the default criteria."""
    return {"criteria": [c.to_dict() for c in DEFAULT_CRITERIA]}


@dataclass(frozen=True)
class NormalisedBallot:
    """A ballot that passed validation.

    ``values`` has every theme on the ballot as a key: the rating / points / rank given, or None
    for missing ("geen mening", not ranked). Points are filled with 0 for themes without points.
    For criteria ballots ``values`` is empty and ``criteria`` maps (theme, criterion) to a score or
    None, again for every theme on the ballot and every criterion.
    """

    method: Method
    values: dict[str, float | None]
    criteria: dict[tuple[str, str], float | None] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- helpers


def _fmt(x: float) -> str:
    """Dutch number formatting: whole numbers without decimals, otherwise a decimal comma."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}".rstrip("0").replace(".", ",")


def _theme_name(theme: str, labels: Mapping[str, str]) -> str:
    label = labels.get(theme)
    return f"'{label}' ({theme})" if label and label != theme else theme


def _number(raw: object, what: str, *, theme: str | None = None, criterion: str | None = None) -> float:
    """Coerce a form value to a finite float; bools and text are refused rather than guessed."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise BallotError(f"{what}: '{raw}' is geen getal.", theme=theme, criterion=criterion)
    x = float(raw)
    if not math.isfinite(x):
        raise BallotError(f"{what}: '{raw}' is geen getal.", theme=theme, criterion=criterion)
    return x


def _whole(x: float, what: str, *, theme: str | None = None) -> int:
    if not x.is_integer():
        raise BallotError(f"{what}: {_fmt(x)} is geen geheel getal.", theme=theme)
    return int(x)


def _setting_number(settings: Mapping[str, Any], key: str, default: float | None) -> float:
    raw = settings.get(key, default)
    if raw is None:
        raise BallotError(f"De sessie-instelling '{key}' ontbreekt.")
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(float(raw)):
        raise BallotError(f"De sessie-instelling '{key}' moet een getal zijn, niet '{raw}'.")
    return float(raw)


def _check_themes(themes: Iterable[str], on_ballot: Mapping[str, str]) -> None:
    for theme in themes:
        if theme not in on_ballot:
            raise BallotError(f"Het thema '{theme}' staat niet op dit stemformulier.", theme=theme)


def _as_labels(themes_on_ballot: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    if isinstance(themes_on_ballot, Mapping):
        return {str(k): str(v) for k, v in themes_on_ballot.items()}
    if isinstance(themes_on_ballot, str):
        raise TypeError("themes_on_ballot must be a sequence of theme codes, not a string")
    return {str(t): str(t) for t in themes_on_ballot}


# ---------------------------------------------------------------------------------------- settings


def parse_criteria(settings: Mapping[str, Any]) -> tuple[Criterion, ...]:
    """Criteria from session settings, weights normalised to sum 1.

    Accepts dicts or :class:`Criterion` objects, so ``{"criteria": DEFAULT_CRITERIA}`` works too.
    """
    raw = settings.get("criteria", DEFAULT_CRITERIA)
    if not raw:
        raise BallotError("Er zijn geen criteria ingesteld voor deze sessie.")
    items: list[Criterion] = []
    for entry in raw:
        if isinstance(entry, Criterion):
            items.append(entry)
            continue
        if not isinstance(entry, Mapping) or "key" not in entry:
            raise BallotError("Elk criterium heeft minstens een sleutel ('key') nodig.")
        key = str(entry["key"])
        items.append(
            Criterion(
                key=key,
                label=str(entry.get("label", key)),
                weight=_setting_number(entry, "weight", 1.0),
                min=_setting_number(entry, "min", 1.0),
                max=_setting_number(entry, "max", 5.0),
            )
        )
    keys = [c.key for c in items]
    if len(set(keys)) != len(keys):
        raise BallotError("Twee criteria hebben dezelfde sleutel.")
    for c in items:
        if c.weight < 0:
            raise BallotError(f"Het gewicht van criterium '{c.label}' kan niet negatief zijn.")
        if not c.max > c.min:
            raise BallotError(f"Bij criterium '{c.label}' moet het maximum groter zijn dan het minimum.")
    total = sum(c.weight for c in items)
    if total <= 0:
        raise BallotError("De gewichten van de criteria zijn samen 0; geef minstens één criterium gewicht.")
    return tuple(Criterion(c.key, c.label, c.weight / total, c.min, c.max) for c in items)


def _unknown_method(method: str) -> NoReturn:
    raise BallotError(f"Onbekende stemmethode '{method}'. Kies uit: {', '.join(METHODS)}.")


@overload
def normalise_settings(
    method: Literal["rating"], settings: Mapping[str, Any] | None, n_themes: int
) -> RatingSettings: ...
@overload
def normalise_settings(
    method: Literal["points"], settings: Mapping[str, Any] | None, n_themes: int
) -> PointsSettings: ...
@overload
def normalise_settings(
    method: Literal["ranking"], settings: Mapping[str, Any] | None, n_themes: int
) -> RankingSettings: ...
@overload
def normalise_settings(
    method: Literal["criteria"], settings: Mapping[str, Any] | None, n_themes: int
) -> CriteriaSettings: ...
@overload
def normalise_settings(method: str, settings: Mapping[str, Any] | None, n_themes: int) -> MethodSettings: ...
def normalise_settings(method: str, settings: Mapping[str, Any] | None, n_themes: int) -> MethodSettings:
    """Validated settings with defaults filled in; raises :class:`BallotError` for bad settings.

    ``normalise_settings(method, None, n)`` gives the defaults for a new session. Called with the method
    as a literal, the result is typed as that method's settings.

    ``n_themes`` caps the ranking depth k: a top-7 on a ballot with 5 themes is a full ranking.
    """
    if method not in METHODS:
        _unknown_method(method)
    settings = dict(settings or {})
    if method == "rating":
        lo = _setting_number(settings, "scale_min", 1)
        hi = _setting_number(settings, "scale_max", 5)
        if not (lo.is_integer() and hi.is_integer() and hi > lo):
            raise BallotError("De schaal moet lopen van een geheel getal naar een groter geheel getal.")
        return {"scale_min": int(lo), "scale_max": int(hi)}
    if method == "points":
        budget = _setting_number(settings, "budget", 10)
        if not (budget.is_integer() and budget > 0):
            raise BallotError("Het aantal punten per deelnemer moet een positief geheel getal zijn.")
        return {"budget": int(budget)}
    if method == "ranking":
        k = _setting_number(settings, "k", 5)
        if not (k.is_integer() and k >= 1):
            raise BallotError("Het aantal plaatsen in de top moet een positief geheel getal zijn.")
        return {"k": int(min(k, max(n_themes, 1)))}
    return {"criteria": [c.to_dict() for c in parse_criteria(settings)]}


# ---------------------------------------------------------------------------------------- validate


def validate_ballot(
    method: str,
    settings: Mapping[str, Any] | None,
    themes_on_ballot: Sequence[str] | Mapping[str, str],
    values: Mapping[str, Any],
) -> NormalisedBallot:
    """Check one participant's ballot and return it in normal form, or raise :class:`BallotError`.

    ``themes_on_ballot`` may be a mapping code -> label so that messages name the theme the way the
    participant saw it. Under-spending points and ranking fewer than k themes are allowed: the
    participant may genuinely have no further preference.
    """
    labels = _as_labels(themes_on_ballot)
    n = len(labels)
    # The settings are checked before the values (arguments are evaluated in order): bad settings are
    # reported first, whatever the ballot holds.
    if method == "rating":
        return _validate_rating(normalise_settings("rating", settings, n), labels, _readable(values, labels))
    if method == "points":
        return _validate_points(normalise_settings("points", settings, n), labels, _readable(values, labels))
    if method == "ranking":
        return _validate_ranking(
            normalise_settings("ranking", settings, n), labels, _readable(values, labels)
        )
    if method == "criteria":
        return _validate_criteria(
            normalise_settings("criteria", settings, n), labels, _readable(values, labels)
        )
    _unknown_method(method)


def _readable(values: object, labels: Mapping[str, str]) -> Mapping[str, Any]:
    """The ballot's values when they are a mapping of themes on the ballot; refuses anything else."""
    if not isinstance(values, Mapping):
        raise BallotError("Het stemformulier is leeg of onleesbaar.")
    _check_themes(values, labels)
    return values


def _validate_rating(
    s: RatingSettings, labels: Mapping[str, str], values: Mapping[str, Any]
) -> NormalisedBallot:
    lo, hi = s["scale_min"], s["scale_max"]
    out: dict[str, float | None] = dict.fromkeys(labels)
    for theme, raw in values.items():
        if raw is None:
            continue
        name = _theme_name(theme, labels)
        x = _number(raw, f"Bij thema {name}", theme=theme)
        if not (lo <= x <= hi) or not x.is_integer():
            raise BallotError(
                f"Bij thema {name} kan de waarde {_fmt(x)} niet: "
                f"kies een geheel getal van {lo} tot en met {hi}, of 'geen mening'.",
                theme=theme,
            )
        out[theme] = x
    return NormalisedBallot("rating", out)


def _validate_points(
    s: PointsSettings, labels: Mapping[str, str], values: Mapping[str, Any]
) -> NormalisedBallot:
    budget = s["budget"]
    out: dict[str, float | None] = dict.fromkeys(labels, 0.0)
    for theme, raw in values.items():
        if raw is None:
            continue
        name = _theme_name(theme, labels)
        x = _number(raw, f"Bij thema {name}", theme=theme)
        if x < 0:
            raise BallotError(
                f"Bij thema {name} staat {_fmt(x)} punten: een negatief aantal punten kan niet.", theme=theme
            )
        out[theme] = float(_whole(x, f"Bij thema {name}", theme=theme))
    total = sum(v or 0.0 for v in out.values())
    if total > budget:
        raise BallotError(f"U heeft {_fmt(total)} punten verdeeld, maar er zijn er maar {budget}.")
    return NormalisedBallot("points", out)


def _validate_ranking(
    s: RankingSettings, labels: Mapping[str, str], values: Mapping[str, Any]
) -> NormalisedBallot:
    k = s["k"]
    out: dict[str, float | None] = dict.fromkeys(labels)
    used: dict[int, str] = {}
    for theme, raw in values.items():
        if raw is None:
            continue
        name = _theme_name(theme, labels)
        x = _number(raw, f"Bij thema {name}", theme=theme)
        if not x.is_integer() or not 1 <= x <= k:
            raise BallotError(
                f"Plaats {_fmt(x)} bij thema {name} bestaat niet: kies een plaats van 1 tot en met {k}.",
                theme=theme,
            )
        rank = int(x)
        if rank in used:
            other = _theme_name(used[rank], labels)
            raise BallotError(
                f"U heeft plaats {rank} twee keer gegeven (bij {other} en bij {name}). "
                "Elke plaats mag maar één keer.",
                theme=theme,
            )
        used[rank] = theme
        out[theme] = float(rank)
    return NormalisedBallot("ranking", out)


def _validate_criteria(
    s: CriteriaSettings, labels: Mapping[str, str], values: Mapping[str, Any]
) -> NormalisedBallot:
    criteria = {c.key: c for c in parse_criteria(s)}
    out: dict[tuple[str, str], float | None] = {(t, c): None for t in labels for c in criteria}
    for theme, per_criterion in values.items():
        if per_criterion is None:
            continue
        name = _theme_name(theme, labels)
        if not isinstance(per_criterion, Mapping):
            raise BallotError(f"Bij thema {name} ontbreken de scores per criterium.", theme=theme)
        for key, raw in per_criterion.items():
            crit = criteria.get(key)
            if crit is None:
                raise BallotError(
                    f"Het criterium '{key}' hoort niet bij deze sessie. Kies uit: {', '.join(criteria)}.",
                    theme=theme,
                    criterion=str(key),
                )
            if raw is None:
                continue
            x = _number(raw, f"Bij thema {name}, criterium '{crit.label}'", theme=theme, criterion=key)
            if not crit.min <= x <= crit.max:
                raise BallotError(
                    f"De score {_fmt(x)} voor '{crit.label}' bij thema {name} kan niet: "
                    f"kies van {_fmt(crit.min)} tot en met {_fmt(crit.max)}.",
                    theme=theme,
                    criterion=key,
                )
            out[(theme, key)] = x
    return NormalisedBallot("criteria", {}, out)
