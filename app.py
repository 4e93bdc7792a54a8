"""Entry point: builds the page list for this visitor on every run, then runs the chosen page.

Facilitator pages are only registered after login, and only those the person's role allows (issue 30), so they
cannot be reached by typing their URL either: such an address shows a Dutch refusal instead.
"""

from __future__ import annotations

import streamlit as st

from ivp_core.access.actor import PUBLIC, SYSTEM, AccessDenied, acting_as
from ivp_core.access.roles import Permission
from ui.shell import auth, page_list
from ui.shell.bootstrap import ensure_database
from ui.shell.context import sidebar_selector
from ui.shell.errors import show_user_error
from ui.shell.outage import guard, install_hook, reached
from ui.shell.plain import page_language

st.set_page_config(page_title="IVP-prioritering", page_icon="🛡️", layout="wide")
install_hook()  # database trouble anywhere in this run is met in Dutch, not with Streamlit's error box
# The first start loads the demo (imports, sessions, a decision): the system does that, not the first visitor.
# When the database is away, the menu is still drawn (as for a visitor) and `guard` below says why.
with acting_as(SYSTEM):
    database_reached = reached(ensure_database)

# Each section lists (file, title, url_path, icon). Keep one line per page so pages can be added in one edit.
PUBLIC_PAGES = [
    ("pages/start.py", "Start", "start", ":material/home:"),
]
ANALYSIS_PAGES: list[tuple[str, str, str, str]] = [
    ("pages/overzicht.py", "Overzicht velden", "overzicht", ":material/dashboard:"),
    ("pages/veld.py", "Per veld", "veld", ":material/analytics:"),
    ("pages/presentatie.py", "Presentatie", "presentatie", ":material/slideshow:"),
]
PARTICIPANT_PAGES: list[tuple[str, str, str, str]] = [
    ("pages/stem.py", "Stemmen", "stem", ":material/how_to_vote:"),
]
FACILITATOR_PAGES: list[tuple[str, str, str, str]] = [
    ("pages/trajecten.py", "Trajecten", "trajecten", ":material/folder_open:"),
    ("pages/analyse_beheer.py", "Analyse beheren", "analyse-beheer", ":material/edit_note:"),
    ("pages/sessies.py", "Sessies", "sessies", ":material/groups:"),
    ("pages/live.py", "Live scherm", "live", ":material/cast:"),
    ("pages/resultaten.py", "Advies en keuze", "resultaten", ":material/leaderboard:"),
    ("pages/gezamenlijk.py", "Gezamenlijk IVP", "gezamenlijk", ":material/join_inner:"),
    ("pages/indicatoren.py", "Effectindicatoren", "indicatoren", ":material/flag:"),
    ("pages/voortgang.py", "Voortgang", "voortgang", ":material/trending_up:"),
    ("pages/ivp_teksten.py", "Teksten voor het IVP", "ivp-teksten", ":material/edit_document:"),
    ("pages/verslag.py", "Verslag en back-up", "verslag", ":material/summarize:"),
]


#: What a person must be allowed (in at least one of their trajectories) to see a page in the menu; a page not
#: listed needs only to read a trajectory. The page's buttons and the core's use cases check the trajectory.
PAGE_PERMISSIONS: dict[str, Permission] = {
    "analyse-beheer": Permission.TEXTS,
    "sessies": Permission.SESSIONS,
    "live": Permission.SESSIONS,
    "indicatoren": Permission.TEXTS,
    "ivp-teksten": Permission.TEXTS,
    "verslag": Permission.DOCUMENTS,
}
ACCOUNT_PAGES: list[tuple[str, str, str, str]] = [
    ("pages/accounts.py", "Accounts", "accounts", ":material/manage_accounts:"),
    ("pages/auditlog.py", "Auditlog", "auditlog", ":material/policy:"),
]


def _pages(specs: list[tuple[str, str, str, str]], default: str | None = None) -> list[st.Page]:
    return [
        page_list.page(path, title=title, url_path=url_path, icon=icon, default=url_path == default)
        for path, title, url_path, icon in specs
    ]


sections: dict[str, list[st.Page]] = {
    "Algemeen": [
        *_pages(PUBLIC_PAGES, default="start"),
        # The projector's read-only screen, opened only through a presenter link (never in the menu).
        page_list.page("pages/scherm.py", title="Scherm", url_path="scherm", visibility="hidden"),
    ],
}
if ANALYSIS_PAGES:
    sections["Veiligheidsanalyse"] = _pages(ANALYSIS_PAGES)
if PARTICIPANT_PAGES:
    sections["Meedoen"] = _pages(PARTICIPANT_PAGES)
# Who this run is, checked again on every run and bound for the core.
person = auth.current_actor() if database_reached else PUBLIC
if person.logged_in:
    allowed = [p for p in FACILITATOR_PAGES if person.can(PAGE_PERMISSIONS.get(p[2], Permission.READ))]
    if person.can(Permission.ACCOUNTS):
        allowed += ACCOUNT_PAGES
    refused = [p for p in FACILITATOR_PAGES + ACCOUNT_PAGES if p not in allowed]
    sections["Begeleiding"] = [
        *_pages(allowed),
        page_list.page(
            "pages/mijn_account.py", title="Mijn account", url_path="mijn-account", icon=":material/person:"
        ),
        page_list.page(
            "pages/uitloggen.py", title="Uitloggen", url_path="uitloggen", icon=":material/logout:"
        ),
        # An address outside this person's role: a Dutch refusal at that address, not the page.
        *(
            page_list.page(
                auth.role_gate(url_path, title), title=title, url_path=url_path, visibility="hidden"
            )
            for _, title, url_path, _ in refused
        ),
    ]
else:
    sections["Begeleiding"] = [
        page_list.page(
            "pages/inloggen.py", title="Inloggen begeleider", url_path="inloggen", icon=":material/login:"
        ),
        # A facilitator page's address (a bookmark, F5 after the login expired) opens a Dutch login that
        # returns to it, instead of Streamlit's English "Page not found".
        *(
            page_list.page(auth.login_gate(url_path), title=title, url_path=url_path, visibility="hidden")
            for _, title, url_path, _ in FACILITATOR_PAGES + ACCOUNT_PAGES
        ),
    ]
# An invitation link (`/uitnodiging?u=…`) lets a new account choose its password; it works logged out too.
sections["Algemeen"].append(
    page_list.page("pages/uitnodiging.py", title="Uitnodiging", url_path="uitnodiging", visibility="hidden")
)

# Expanded: the whole menu shows, instead of Streamlit's English "View N more" behind which it hides a long one.
page = st.navigation(sections, expanded=True)
participant = page.url_path in {url_path for _, _, url_path, _ in PARTICIPANT_PAGES}
page_language(participant)  # lang="nl" and Dutch chrome texts on every page (ui/shell/plain.py)
# Back from the OIDC provider (which always lands on the start page): go on to the page that was asked for.
auth.follow_login_return(
    {url_path: path for path, _, url_path, _ in FACILITATOR_PAGES}, on_start_page=page.url_path == ""
)
auth.sync_cookie()
if not participant:  # a resident's page has no sidebar, and needs no trajectory
    sidebar_selector()
with guard(page.url_path):  # database trouble: a calm Dutch message, and the page comes back by itself
    try:
        page.run()
    except AccessDenied as refusal:  # a use case refused this person's role: Dutch, and nothing was stored
        show_user_error(refusal)
