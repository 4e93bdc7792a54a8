"""Showing a refusal: the one way a page tells a person what cannot be done as given.

Every refusal of the core derives from :class:`ivp_core.errors.UserError` and carries a Dutch message meant
for the person as is; the page shows exactly that message, never a stack trace, so all pages say it alike.
"""

from __future__ import annotations

import streamlit as st

from ivp_core.errors import UserError


def show_user_error(exc: UserError, *, icon: str | None = None) -> None:
    """`exc.message_nl` as an error box (`icon`: the same optional icon `st.error` takes)."""
    st.error(exc.message_nl, icon=icon)
