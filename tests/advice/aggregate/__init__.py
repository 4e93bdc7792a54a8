"""Tests of ivp_core.advice.aggregate.

pref_voting (the oracle in test_condorcet) JIT-compiles its profile code with numba: about 5 s per test
process for profiles of a handful of ballots, where plain Python takes milliseconds. The results do not
depend on it, so compilation is switched off unless someone chose otherwise.
"""

import os

os.environ.setdefault("NUMBA_DISABLE_JIT", "1")
