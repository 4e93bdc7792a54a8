"""The report of Stap 3 (prioritering) and its exports: one content model, several formats.

May import every room of the method; only cli and the pages import it.
"""
