"""Participants' remarks per priority, summarised by counting and then quoted: no interpretation, no AI.

The raad must be able to check every word of a summary against the remarks themselves, so the summary
only counts: how many approved remarks, from which groups, and which words come back in more than one
remark (each remark counts once per word). The quotes shown are the remarks that carry most of those
words, in the order they were made, so the quotes illustrate the summary instead of a random first few.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

#: Dutch function words and words every remark about safety uses; a summary of them says nothing.
_STOPWORD_TEXT: Final = """
    aan achter alle alleen als altijd andere bij binnen daar dan dat deze die dit doen door echt een eens
    elke en er erg geen gaat gaan graag had heb hebben heeft hier hoe hun iedereen iets ik in is je jij
    kan komen komt kunnen maakt maar meer men met mijn moet moeten naar niet niets nog nu of om omdat ons
    ook op over te tegen toch tot uit van veel voor waar wat we wel welke werd wij wil worden wordt zal
    ze zelf zich zien zijn zo zoals zou zouden zeer heel vaak soms minder mensen beter goed weer want
    onze jullie haar hem hij zij wie dus waar wanneer vooral bijvoorbeeld
"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())
WORD: Final = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")
MIN_LENGTH: Final = 4
MAX_WORDS: Final = 5
MAX_QUOTES: Final = 3


@dataclass(frozen=True)
class RemarkSummary:
    count: int
    groups: tuple[tuple[str, int], ...]  # (group label, number of remarks), most remarks first
    words: tuple[tuple[str, int], ...]  # (word, number of remarks that contain it), in two or more remarks
    quotes: tuple[str, ...]  # in the order the remarks were made


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) >= MIN_LENGTH and w not in STOPWORDS}


def summarise_remarks(texts: Sequence[str], groups: Mapping[str, int], ignore: str = "") -> RemarkSummary:
    """Count groups and recurring words; `ignore` holds words that name the theme itself (they add nothing)."""
    ignored = _words(ignore)
    per_remark = [_words(t) - ignored for t in texts]
    counts = Counter(w for words in per_remark for w in words)
    recurring = sorted(((w, n) for w, n in counts.items() if n >= 2), key=lambda item: (-item[1], item[0]))
    top = recurring[:MAX_WORDS]
    top_words = {w for w, _ in top}
    by_weight = sorted(range(len(texts)), key=lambda i: (-len(per_remark[i] & top_words), i))
    chosen = sorted(by_weight[:MAX_QUOTES])
    ordered_groups = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    return RemarkSummary(len(texts), tuple(ordered_groups), tuple(top), tuple(texts[i] for i in chosen))


def _remarks_word(n: int) -> str:
    return "opmerking" if n == 1 else "opmerkingen"


def summary_sentences(summary: RemarkSummary) -> str:
    """The summary in plain Dutch, e.g. "5 goedgekeurde opmerkingen (inwoners 4, raad 1). Woorden die …"."""
    who = ", ".join(f"{group.lower()} {n}" for group, n in summary.groups)
    head = f"{summary.count} goedgekeurde {_remarks_word(summary.count)} ({who})."
    if summary.words:
        words = ", ".join(f"‘{w}’ ({n} van de {summary.count})" for w, n in summary.words)
        head += f" Woorden die in meer dan één opmerking terugkomen: {words}."
    elif summary.count > 1:
        head += " Geen woord komt in meer dan één opmerking terug."
    if summary.count > len(summary.quotes):
        n = len(summary.quotes)
        head += (
            f" Hieronder de {n} {_remarks_word(n)} met de meeste van die woorden, letterlijk:"
            if summary.words
            else f" Hieronder de eerste {n}, letterlijk:"
        )
    else:
        head += " Letterlijk:"
    return head
