"""QR codes for the join link, drawn by segno (pure Python, no image library needed)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno

from ivp_core.consultation.sessions import normalise_code


def join_url(base_url: str, code: str) -> str:
    """The participant link: the app's public address + `/stem?code=…` (what the QR code encodes)."""
    return f"{base_url.rstrip('/')}/stem?{urlencode({'code': normalise_code(code)})}"


def _qr(url: str) -> segno.QRCode:
    # Error level M survives a projector's glare and a phone at an angle without making the code dense.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, scale: int = 10, dark: str = "#000000") -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=scale, border=2, dark=dark, light="#ffffff", xmldecl=False)
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
