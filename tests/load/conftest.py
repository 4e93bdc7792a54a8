"""The load tests drive the same really served app as the browser tests."""

from tests.e2e.conftest import served_app  # noqa: F401  (fixture)
