"""The Voortgang and Effectindicatoren pages point the coordinator to other pages by the name the menu shows
(a griffier found "de pagina Verslag" while the menu says "Verslag en back-up")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("pages/voortgang.py", "pages/indicatoren.py")


def _menu_titles() -> set[str]:
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    return set(re.findall(r'\("pages/[\w/]+\.py", "([^"]+)"', app))


def test_every_page_named_is_a_menu_title_in_quotes() -> None:
    titles = _menu_titles()
    assert {"Verslag en back-up", "Effectindicatoren", "Advies en keuze"} <= titles
    for name in PAGES:
        source = (ROOT / name).read_text(encoding="utf-8")
        source = re.sub(r'"\s*\n\s*"', "", source)  # implicitly joined string literals
        named = re.findall(r"pagina '([^']+)'", source)
        assert set(named) <= titles, (name, set(named) - titles)
        assert not re.search(r"pagina [A-Z]", source), (name, re.findall(r"pagina [A-Z]\w*", source))
