"""Aggregation of ballots into 3-4 recommended priorities, with robustness, consensus and reasons.

Public entry points: :func:`aggregate` (ballots + settings -> :class:`AggregationResult`),
:func:`consensus`, :func:`explain_priorities` and the representativeness helpers. The exact
definitions are in ``docs/aggregatie.md``.

The names are imported from their modules on first use (PEP 562): ``python -m ivp_core aggregate``
needs only the scoring, and a command line pays for every module it imports at every call.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

#: Public name -> the module (in this package) that defines it.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("aggregate", "resolve_weights"), "combine"),
    **dict.fromkeys(("Caveat", "caveat_nl"), "caveats"),
    **dict.fromkeys(("Consensus", "consensus", "kendalls_w", "leik_dispersion"), "consensus"),
    **dict.fromkeys(("describe_method", "explain_priorities", "explain_theme"), "explain"),
    **dict.fromkeys(
        (
            "ANALYSIS_GROUP",
            "AggregationError",
            "AggregationResult",
            "AggregationSettings",
            "BallotTable",
            "CloseCall",
            "GroupInfo",
            "RankingRule",
            "RaterBallot",
            "Robustness",
            "SessionBallots",
            "ThemeResult",
            "ThemeRobustness",
            "WeightRange",
        ),
        "model",
    ),
    **dict.fromkeys(
        (
            "RepresentativenessReport",
            "ReweightedComparison",
            "compare_reweighted",
            "participation",
            "poststratification_weights",
            "representativeness",
            "reweight",
        ),
        "representativeness",
    ),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """Keeps ``consensus`` and ``representativeness`` the functions, not the modules of the same name.

    Importing a submodule sets it as an attribute of its package; the eager imports this file had
    before overwrote those two right away with the functions, and callers rely on that.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
