"""Who may do what: the facilitators' login throttle, logins and OIDC accounts, and presenter links.

Used by the UI's gate; imports nothing of the method's rooms, only the standard library and config.
"""
