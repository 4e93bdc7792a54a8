"""Stap 1 of the method: trajectories, their municipalities, and how far a trajectory has come.

The frame every page works inside. May import: catalogue, config, storage. Nothing of the later steps.
"""
