"""The e2e fixtures (served app, headless Chromium) for the browser tests of this folder."""

from tests.e2e.conftest import browser, served_app  # noqa: F401
