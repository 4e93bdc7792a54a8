"""The report of Stap 3 (prioritering) and its exports: one content model, several formats.

Kept import-light on purpose: ``ivp_core.backup`` uses ``report.safety`` and must not pull in matplotlib.
"""
