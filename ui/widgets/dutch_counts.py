"""Dutch count grammar in one place: "1 vastgelegde keuze", "2 vastgelegde keuzes", never "keuze(s)".

The rule lives in the core (`ivp_core.dutch.counted`), so restore messages and documents count alike; this name
stays for the pages that import it from here.
"""

from __future__ import annotations

from ivp_core.dutch import counted

__all__ = ["counted"]
