"""Accessibility checks inside a Playwright page: axe-core (from the npm registry, installed by
scripts/test.sh), words broken mid-word, and text enlarged to 200 % as a visitor sets it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.1 A/AA violations with impact serious or critical on the page as it is now."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `npm install` (scripts/test.sh does)")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# A word is broken mid-word when a line ends between two of its letters or digits ("gegevensbes|cherming").
# A line may end after a visible hyphen: a hard "-" ("IP-|adres") or a soft hyphen U+00AD, which the browser
# draws as "-" where it breaks; and between punctuation in a long token such as a web address ("…/|x.png").
# A character right after such a break reports two boxes (the drawn hyphen, then itself): its own is the last.
_SPLIT_WORDS_JS = """() => {
  const root = document.querySelector("[data-testid='stMain']") || document.body;
  const box = (node, start, end) => { const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
    return [...r.getClientRects()].filter((x) => x.width > 0.5); };
  const split = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    for (const m of node.data.matchAll(/\\S+/g)) {
      const whole = box(node, m.index, m.index + m[0].length);
      if (whole.length < 2) continue;
      const first = box(node, m.index, m.index + 1)[0];
      if (!first) continue;
      for (let i = m.index + 1; i < m.index + m[0].length; i++) {
        const own = box(node, i, i + 1).pop();
        if (own && own.top > first.top + first.height / 2) {
          const alnum = /[\\p{L}\\p{N}]/u;
          if (alnum.test(node.data[i - 1]) && alnum.test(node.data[i])) {
            split.push({word: m[0].replaceAll("\\u00ad", ""), at: i - m.index, in: el.tagName,
                        line: Math.round(el.getBoundingClientRect().width)});
          }
          break;
        }
      }
    }
  }
  return split;
}"""


def split_words(page: Any) -> list[dict[str, Any]]:
    """Words on the page that wrap onto a next line between two letters or digits (not at a hyphen)."""
    return list(page.evaluate(_SPLIT_WORDS_JS))


def enlarge_text(page: Any, percent: int = 200) -> None:
    """Text at `percent` % the way a visitor sets it: Chromium's own font-size setting (Page.setFontSizes).

    This is WCAG 1.4.4 "resize text": only text grows, the viewport stays 360 px (page zoom would also
    shrink the viewport, which is the reflow criterion 1.4.10). Set after loading the page: a navigation
    may move the page to another renderer process, which starts again at the default size.
    """
    size = round(16 * percent / 100)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": size, "fixed": round(13 * percent / 100)}})
    page.wait_for_function(f"getComputedStyle(document.documentElement).fontSize === '{size}px'")
