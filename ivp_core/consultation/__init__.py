"""Stap 3's opinion sessions: life cycle, joining, ballots, what one press stores, the evidence beside each
theme, remarks and their moderation, live tallies, QR codes and participants' pseudonyms.

May import: catalogue, config, storage, trajectory, analysis.
"""
