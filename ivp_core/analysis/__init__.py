"""Stap 2, the veiligheidsanalyse: the three texts per theme, imported figures, and the signals read from them.

May import: catalogue, config, storage, trajectory.
"""
