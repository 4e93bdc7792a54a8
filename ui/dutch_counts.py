"""Dutch count grammar in one place: "1 vastgelegde keuze", "2 vastgelegde keuzes", never "keuze(s)".

Belongs beside `ivp_core/dutch.py` (owned by another engineer this session); it has no Streamlit in it, so it
can move there as it is.
"""

from __future__ import annotations


def counted(n: int, singular: str, plural: str) -> str:
    """`n` with the noun phrase that fits it: one is singular, zero and more are plural (as in Dutch)."""
    return f"{n} {singular if n == 1 else plural}"
