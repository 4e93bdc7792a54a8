"""Stap 3's outcome: the pure aggregation (``aggregate/``) and, in ``results``, the advice read from the
database together with the recorded decision.

May import: catalogue, config, storage, trajectory, analysis, consultation.
"""
