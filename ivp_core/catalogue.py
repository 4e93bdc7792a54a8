"""The Kernbeleid Veiligheid catalogue (5 fields, 22 themes), loaded from `data/catalogue.yaml`.

The catalogue is data, not code, so a new edition of the method is a reviewed data change. It is validated
on load: a broken file must stop the app with a clear message rather than show a half catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from ivp_core.config import DATA_DIR

#: libyaml's parser when PyYAML was built with it (about 20x faster than the pure-Python one, which took
#: half a second at every start of a command); the same safe subset either way.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATALOGUE_FILE = DATA_DIR / "catalogue.yaml"
EXPECTED_THEMES_PER_FIELD = {"1": 4, "2": 5, "3": 4, "4": 4, "5": 5}
_THEME_CODE = re.compile(r"^[1-5]\.[1-9]$")


class CatalogueError(ValueError):
    """The catalogue file does not describe the method's 5 fields and 22 themes."""


@dataclass(frozen=True)
class EffectIndicator:
    source: str
    indicator: str
    kind: str  # objectief | subjectief
    proposed: bool = False  # True where VNG names none and the indicator is this project's proposal


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    short_name: str
    field_code: str
    explanation: str
    plain_explanation: str
    aliases: tuple[str, ...]
    effect_sources: tuple[str, ...]
    effect_indicators: tuple[EffectIndicator, ...]
    related: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    explanation: str
    plain_explanation: str
    aliases: tuple[str, ...]
    themes: tuple[Theme, ...]

    @property
    def label(self) -> str:
        return f"{self.code}. {self.name}"


@dataclass(frozen=True)
class Aspect:
    """One of the six fixed aspects of the approach that the method uses for field 1."""

    code: str
    name: str
    explanation: str


@dataclass(frozen=True)
class CrossCuttingTheme:
    code: str
    name: str
    explanation: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    fields: tuple[Field, ...]
    approach_aspects_field1: tuple[Aspect, ...]
    cross_cutting_themes: tuple[CrossCuttingTheme, ...]

    @property
    def themes(self) -> tuple[Theme, ...]:
        return tuple(theme for field in self.fields for theme in field.themes)

    @property
    def theme_codes(self) -> tuple[str, ...]:
        return tuple(theme.code for theme in self.themes)

    @cached_property
    def _lookup(self) -> dict[str, Theme]:
        """Every accepted spelling → theme; built once, as every ballot looks its themes up."""
        index: dict[str, Theme] = {}
        for theme in reversed(self.themes):  # the first theme wins a clash, as the former linear search did
            for key in (theme.code, theme.name.casefold(), *(a.casefold() for a in theme.aliases)):
                index[key] = theme
        return index

    def theme(self, code: str) -> Theme:
        """Look a theme up by code, by current name or by an older name used in earlier start notes."""
        try:
            return self._lookup[code.strip().casefold()]
        except KeyError:
            raise KeyError(code) from None

    def field(self, code: str) -> Field:
        wanted = code.strip().casefold()
        for field in self.fields:
            if wanted in {field.code, field.name.casefold(), *(a.casefold() for a in field.aliases)}:
                return field
        raise KeyError(code)

    def field_of(self, theme_code: str) -> Field:
        return self.field(theme_code.split(".")[0])


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: '{key}' ontbreekt of is leeg")
    return value.strip()


def _theme(raw: dict[str, Any], field_code: str) -> Theme:
    code = str(raw.get("code", ""))
    where = f"thema {code or '?'}"
    if not _THEME_CODE.match(code) or not code.startswith(f"{field_code}."):
        raise CatalogueError(f"{where}: code hoort bij veld {field_code} en heeft de vorm {field_code}.N")
    indicators = tuple(
        EffectIndicator(
            source=_text(item, "source", where),
            indicator=_text(item, "indicator", where),
            kind=_text(item, "kind", where),
            proposed=bool(item.get("proposed", False)),
        )
        for item in raw.get("effect_indicators") or []
    )
    if not indicators:
        raise CatalogueError(f"{where}: geen effectindicatoren")
    name = _text(raw, "name", where)
    return Theme(
        code=code,
        name=name,
        short_name=str(raw.get("short_name") or name).strip(),
        field_code=field_code,
        explanation=_text(raw, "explanation", where),
        plain_explanation=_text(raw, "plain_explanation", where),
        aliases=tuple(str(a) for a in raw.get("aliases") or []),
        effect_sources=tuple(str(s) for s in raw.get("effect_sources") or []),
        effect_indicators=indicators,
        related=tuple(str(r) for r in raw.get("related") or []),
    )


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    """Build and validate the catalogue from its YAML structure."""
    fields = []
    for raw_field in raw.get("fields") or []:
        code = str(raw_field.get("code", ""))
        where = f"veld {code or '?'}"
        themes = tuple(_theme(t, code) for t in raw_field.get("themes") or [])
        if EXPECTED_THEMES_PER_FIELD.get(code) != len(themes):
            raise CatalogueError(
                f"{where}: verwacht {EXPECTED_THEMES_PER_FIELD.get(code)} thema's, gevonden {len(themes)}"
            )
        fields.append(
            Field(
                code=code,
                name=_text(raw_field, "name", where),
                explanation=_text(raw_field, "explanation", where),
                plain_explanation=_text(raw_field, "plain_explanation", where),
                aliases=tuple(str(a) for a in raw_field.get("aliases") or []),
                themes=themes,
            )
        )
    if [f.code for f in fields] != list(EXPECTED_THEMES_PER_FIELD):
        raise CatalogueError("de catalogus moet de velden 1 tot en met 5 bevatten, in volgorde")
    codes = {t.code for f in fields for t in f.themes}
    for field in fields:
        for theme in field.themes:
            unknown = [r for r in theme.related if r not in codes or r == theme.code]
            if unknown:
                raise CatalogueError(f"thema {theme.code}: onbekende raakvlakken {', '.join(unknown)}")
    aspects = tuple(
        Aspect(
            code=str(a["code"]), name=_text(a, "name", "aspect"), explanation=str(a.get("explanation", ""))
        )
        for a in raw.get("approach_aspects_field1") or []
    )
    if len(aspects) != 6:
        raise CatalogueError(f"veld 1 kent zes vaste aspecten van de aanpak, gevonden {len(aspects)}")
    cross = tuple(
        CrossCuttingTheme(
            code=str(c["code"]),
            name=_text(c, "name", "dwarsdoorsnijdend thema"),
            explanation=str(c.get("explanation", "")),
        )
        for c in raw.get("cross_cutting_themes") or []
    )
    return Catalogue(
        version=str(raw.get("version", "")),
        fields=tuple(fields),
        approach_aspects_field1=aspects,
        cross_cutting_themes=cross,
    )


def load_catalogue_file(path: Path) -> Catalogue:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # a safe loader, C or Python
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path.name} kan niet worden gelezen: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path.name} bevat geen catalogus")
    return parse_catalogue(raw)


@cache
def load_catalogue() -> Catalogue:
    """The shipped catalogue, parsed once per process: every page and command asks for it."""
    return load_catalogue_file(CATALOGUE_FILE)
