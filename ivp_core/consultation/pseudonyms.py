"""Participants' pseudonyms: the only way a participant leaves the database (in a report or a backup).

A label such as "P7" or "D3" says nothing about the person; token hashes, invitation codes and times of
joining never leave. Report and backup both use this one rule, so the labels in the two agree.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any


def fill_pseudonyms(
    rows: Sequence[MutableMapping[str, Any]], group_key: str = "session_id", label_key: str = "label"
) -> None:
    """Give every row without a label a stable pseudonym (D1, D2, … per group) that no other row uses.

    Stable: the same rows in the same order get the same labels, so two exports of one database agree.
    """
    used: dict[Any, set[str]] = {}
    for row in rows:
        used.setdefault(row[group_key], set()).add(row[label_key] or "")
    counters: dict[Any, int] = {}
    for row in rows:
        if row[label_key]:
            continue
        group = row[group_key]
        n = counters.get(group, 0)
        while True:
            n += 1
            candidate = f"D{n}"
            if candidate not in used[group]:
                break
        counters[group] = n
        used[group].add(candidate)
        row[label_key] = candidate
