"""One whole trajectory to one file and back: what a coordinator hands to the next one.

It reads and writes every room's tables, so it sits above them all; nothing but cli and the pages import it.
"""
