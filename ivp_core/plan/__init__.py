"""Stap 3a-5, from priorities to a plan: the joint IVP of several municipalities and the effect indicators.

May import every room above it in the method: storage, trajectory, analysis, consultation, advice.
"""
