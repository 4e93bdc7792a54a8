"""The aggregation's caveats as typed values (a code and its parameters), and their Dutch text in one place.

The aggregation used to hand out finished Dutch sentences, and the verslag read them back with regular
expressions to fold, rename and shorten them for a raad. A caveat is now data: the results page, the command
line and the verslag each ask `caveat_nl` for the wording they need, and what a caveat is about (which
themes, which groups, which methods) is never parsed out of a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

CaveatCode = Literal[
    "mixed_methods",  # methods: the groups voted with different methods under the default rule
    "small_group",  # groups (one), count: a group with fewer than SMALL_GROUP participants
    "empty_group",  # groups (one): a group without any vote yet
    "unscored_by_all",  # themes: no weighted group scored them; they stand at the bottom
    "unscored_by",  # themes, groups: these weighted groups did not score these themes
    "no_point",  # themes, count (priorities advised): a points ballot gave them no point; never advised
    "boundary_tie",  # themes, count (top k): tied within the tolerance at the boundary of the top k
    "text",  # text: a caveat stored by an older version that could not be read back as one of the above
]
CAVEAT_CODES: Final[frozenset[str]] = frozenset(get_args(CaveatCode))


@dataclass(frozen=True)
class Caveat:
    """One caveat of an advice. ``count`` is the number the sentence names (participants, priorities, k)."""

    code: CaveatCode
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    count: int = 0
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        for key in ("themes", "groups", "methods"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.count:
            out["count"] = self.count
        if self.text:
            out["text"] = self.text
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Caveat:
        """Leniently: an unknown code (a newer version's) keeps its text, or names its code, as a text caveat."""
        code = data.get("code")

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

        count = data.get("count")
        text = str(data.get("text") or "")
        if code not in CAVEAT_CODES:
            return cls("text", text=text or str(code))
        return cls(
            code,  # checked against CAVEAT_CODES just above
            themes=strings("themes"),
            groups=strings("groups"),
            methods=strings("methods"),
            count=count if isinstance(count, int) and not isinstance(count, bool) else 0,
            text=text,
        )


def _themes_are(codes: Sequence[str]) -> str:
    """ "Thema 1.3 is" or "Thema's 1.2, 1.4 zijn": the subject of a caveat about one or more themes."""
    return f"Thema {codes[0]} is" if len(codes) == 1 else f"Thema's {', '.join(codes)} zijn"


def _quoted(group: str) -> str:
    return f"'{group}'"


def caveat_nl(
    caveat: Caveat,
    *,
    group: Callable[[str], str] = _quoted,
    method: Callable[[str], str] = str,
    for_raad: bool = False,
) -> str:
    """The caveat in Dutch. The results page and the command line use the defaults (group keys quoted, the
    alternative rule suggested); the verslag names groups and methods in its own words and, ``for_raad``,
    leaves out the suggestion of another rule (a setting for the coordinator, and its name is jargon)."""
    c = caveat
    if c.code == "mixed_methods":
        if for_raad:
            return (
                f"De groepen stemden met verschillende methoden ({', '.join(method(m) for m in c.methods)}). "
                "Hun scores zijn daardoor niet helemaal vergelijkbaar."
            )
        return (
            f"De groepen stemden met verschillende methoden ({', '.join(method(m) for m in c.methods)}). Hun "
            "scores zijn niet helemaal vergelijkbaar; vergelijk de uitkomst met de rekenregel 'borda'."
        )
    if c.code == "small_group":
        return (
            f"De groep {group(c.groups[0])} heeft maar {c.count} deelnemer(s); lees de uitkomst van deze groep "
            "voorzichtig."
        )
    if c.code == "empty_group":
        return f"De groep {group(c.groups[0])} heeft nog geen stemmen."
    if c.code == "unscored_by_all":
        return (
            f"{_themes_are(c.themes)} door geen enkele groep met gewicht beoordeeld en "
            f"{'staat' if len(c.themes) == 1 else 'staan'} daarom onderaan."
        )
    if c.code == "unscored_by":
        return (
            f"{_themes_are(c.themes)} niet beoordeeld door: {', '.join(c.groups)}. De score komt van de groepen "
            f"die {'het' if len(c.themes) == 1 else 'ze'} wel beoordeelden."
        )
    if c.code == "no_point":
        return (
            f"Niemand gaf een punt aan {', '.join(c.themes)}. Die thema's worden daarom niet aanbevolen; "
            f"het advies telt {c.count} {'prioriteit' if c.count == 1 else 'prioriteiten'}."
        )
    if c.code == "boundary_tie":
        return (
            f"Op de grens van de top {c.count} liggen {', '.join(c.themes)} binnen de tolerantie gelijk. "
            "Het rekenmodel kiest hier niet: dat is aan de deelnemers."
        )
    return c.text
