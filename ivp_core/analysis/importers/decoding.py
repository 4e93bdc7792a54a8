"""Bytes to text: forgiving about the encoding, strict about what is not text at all.

Files come from StatLine downloads, Excel exports and hand-made sheets: UTF-8 with or without BOM, then
Windows-1252 (with a warning to check the accents); an empty or binary file is refused in Dutch.
"""

from __future__ import annotations

import codecs

from ivp_core.analysis.importers.errors import ProblemLog


def readable(data: bytes, log: ProblemLog) -> bool:
    if not data or data.isspace():  # not `data.strip()`: that copies a 50 MB upload
        log.error("Het bestand is leeg.", "Kies het bestand opnieuw; misschien is de download mislukt.")
        return False
    if b"\x00" in data[:4096]:
        log.error(
            "Dit is geen tekstbestand (CSV).",
            "Kies een CSV-bestand of een Excel-bestand (.xlsx) in het lange formaat.",
        )
        return False
    return True


def decode(data: bytes, log: ProblemLog) -> str | None:
    """Text of the file: UTF-8 (BOM or not) first, Windows-1252 as Excel on Windows writes it otherwise."""
    if not readable(data, log):
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        log.error(
            "Het bestand bevat tekens die niet als tekst te lezen zijn.",
            "Sla het bestand op als 'CSV UTF-8' en probeer het opnieuw.",
            line=line,
        )
        return None
    log.warning(
        "Het bestand is niet in UTF-8 opgeslagen; het is gelezen als Windows-1252.",
        "Controleer in het voorbeeld of letters met accenten goed zijn overgekomen.",
    )
    return text.removeprefix("\ufeff")


def is_utf8(data: bytes) -> bool:
    """Checked a megabyte at a time, so a 50 MB upload is never held a second time as decoded text."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1024 * 1024
    try:
        for offset in range(0, len(data), step):
            decoder.decode(data[offset : offset + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
