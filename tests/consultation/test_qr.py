"""The join link and its QR code."""

from __future__ import annotations

import io

import segno

from ivp_core.consultation.qr import join_url, qr_png, qr_svg


def test_join_url_carries_the_normalised_code_only() -> None:
    assert (
        join_url("https://ivp.example.nl/app/", " k7qx-4mpa ")
        == "https://ivp.example.nl/app/stem?code=K7QX4MPA"
    )


def test_qr_images_encode_the_link() -> None:
    url = join_url("http://127.0.0.1:8501", "K7QX4MPA")
    png, svg = qr_png(url), qr_svg(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.lstrip().startswith(b"<svg") and b"<path" in svg
    # The image is exactly segno's rendering of this link, and another link gives another image.
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=10, border=2)
    assert png == expected.getvalue()
    assert qr_png(join_url("http://127.0.0.1:8501", "K7QX4MPB")) != png
