"""Facilitator login. The password comes from IVP_ADMIN_PASSWORD or Streamlit secrets; it is never shown."""

from __future__ import annotations

from ui.shell import auth

auth.login_form()
