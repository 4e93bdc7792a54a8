"""Resident-facing helpers: text that can never become Markdown or HTML, plain B1 labels, and page chrome.

Titles, trajectory names and remarks are typed by people; rendered as Markdown, a title such as
`![](http://host/x.png)` would make every visitor's browser fetch that image (leaking their IP address).
`md_escape` backslash-escapes every ASCII punctuation character, which CommonMark always reads as the
literal character, so the text shows exactly as typed and nothing is ever fetched or linked.
"""

from __future__ import annotations

import functools
import html
import re
import string
from typing import Final

import pyphen
import streamlit as st

from ivp_core.catalogue import Theme
from ui.shell.bootstrap import serve_dutch_html

_PUNCT: Final = frozenset(string.punctuation)


def md_escape(text: str | None) -> str:
    """Text as Markdown that shows exactly these characters: no links, images, emphasis or HTML."""
    out = "".join("\\" + ch if ch in _PUNCT else ch for ch in (text or ""))
    return out.replace("\n", "  \n")


SOFT_HYPHEN: Final = "\u00ad"
#: Words from this many letters on get soft hyphens. At 200 % text on a 360 px phone a body line holds about
#: 18 letters and a title line about 10, so shorter words always fit and never need a break.
_LONG_WORD: Final = re.compile(r"[^\W\d_]{10,}")
_DUTCH: Final = pyphen.Pyphen(lang="nl_NL", left=3, right=3)
_LONG_TOKEN: Final = re.compile(r"\S{10,}")
_EDGE_PUNCT: Final = string.punctuation + "“”‘’…"
_TOKEN_PUNCT: Final = re.compile(r"[/.:?&=_@#]+(?=\S)")


@functools.lru_cache(maxsize=4096)
def _syllables(word: str) -> str:
    return str(_DUTCH.inserted(word, hyphen=SOFT_HYPHEN))


def breakable(text: str | None) -> str:
    """Long Dutch compounds get soft hyphens between syllables ("Voor­beeld­ge­meente").

    Why: at 200 % text on a small phone a word such as "gegevensbescherming" is wider than the line. Without
    a break point the browser must either scroll sideways or cut the word anywhere ("gegevensbes|cherming");
    with soft hyphens it breaks between syllables and shows a hyphen, and only where the line is too short.
    CSS `hyphens: auto` would do the same, but only in browsers that ship a Dutch dictionary.
    """
    return _LONG_TOKEN.sub(_break_token, text or "")


@functools.lru_cache(maxsize=2048)
def plain_markdown(text: str) -> str:
    """`md_escape(breakable(text))`, remembered: the vote page shows the same texts to every phone.

    Escaping goes character by character in Python; for the long information and privacy texts that was a
    noticeable part of each page open (docs/deployment.md, "Openen").
    """
    return md_escape(breakable(text))


def _break_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if _LONG_WORD.fullmatch(token.strip(_EDGE_PUNCT)):
        return _LONG_WORD.sub(lambda m: _syllables(m.group(0)), token)
    # A web address or code: a zero-width space after its punctuation, so it wraps at "/" or "." rather than
    # between two letters; no hyphens, which would change the address.
    return _TOKEN_PUNCT.sub("\\g<0>\u200b", token)


def plain_header(text: str | None, subline: str | None = None) -> None:
    """A typed title as a heading: HTML-escaped, never Markdown, so a URL in it is not even a link.

    `subline` (a date, a round) goes under it in the same element: one element less on a page that 300 phones
    may open at once (docs/deployment.md, "Openen").
    """
    under = f'<p style="margin:0 0 1rem 0">{html.escape(subline)}</p>' if subline else ""
    st.html(
        '<h2 style="font-size:1.75rem;font-weight:700;line-height:1.25;margin:0 0 0.5rem 0;'
        f'overflow-wrap:break-word">{html.escape(breakable(text))}</h2>{under}'
    )


#: Plain words first, the method's official theme name second (B1: no jargon without a translation).
PLAIN_THEME: Final[dict[str, str]] = {
    "1.1": "Buren en overlast in de buurt",
    "1.2": "Een schone en hele buurt",
    "1.3": "Inbraak, diefstal en geweld",
    "1.4": "Hoe veilig u zich voelt",
    "2.1": "Veilig winkelen",
    "2.2": "Veilige bedrijven en bedrijventerreinen",
    "2.3": "Veilig uitgaan",
    "2.4": "Veilige feesten en evenementen",
    "2.5": "Veilig voor toeristen",
    "3.1": "Overlast door jongeren",
    "3.2": "Jongeren en misdaad",
    "3.3": "Jongeren, alcohol en drugs",
    "3.4": "Veilig in en om de school",
    "4.1": "Veilig verkeer",
    "4.2": "Brand voorkomen",
    "4.3": "Gevaarlijke stoffen in de buurt",
    "4.4": "Rampen en crises",
    "5.1": "Mensen tegenover elkaar, en extreme ideeën",
    "5.2": "Zware misdaad achter gewone bedrijven",
    "5.3": "Een gemeente die zich niet laat misbruiken",
    "5.4": "Veilige computers en gegevens",
    "5.5": "Eerlijke ambtenaren en bestuurders",
}

#: What a trend word means in plain Dutch.
PLAIN_TREND: Final[dict[str, str]] = {
    "stijgend": "het wordt meer",
    "stabiel": "het blijft ongeveer gelijk",
    "dalend": "het wordt minder",
}


def plain_theme(theme: Theme) -> str:
    """ "Inbraak, diefstal en geweld (officieel: Objectieve veiligheid)"."""
    plain = PLAIN_THEME.get(theme.code)
    return f"{plain} (officieel: {theme.short_name})" if plain else theme.short_name


_CODES: Final = re.compile(r"\s*\((?:[A-Z]{1,3}\d{1,4}|\d{4,6}[A-Z]{2,4})\)|\b\d{5}[A-Z]{3}\b")


def strip_codes(text: str) -> str:
    """Drop table and question codes such as "(E33)" or "47013NED" that mean nothing to a resident."""
    return re.sub(r"\s{2,}", " ", _CODES.sub("", text)).strip(" ,;")


# --------------------------------------------------------------------------------------------- chrome

#: Participant pages: no navigation sidebar, a clear focus ring (dark blue on white ≈ 10:1), thumb-sized
#: choices, and long Dutch words that wrap between syllables (hyphens) instead of mid-word breaks.
#: A tap while the page is still being drawn after a (re)load could be lost (the first run of the script
#: had not finished; measured 1 in 8 taps): until the first run is done, inputs take no taps and a Dutch
#: "even geduld" bar shows. The page's script (page_language) marks the document ready.
#: The root font size follows the visitor's own browser setting (Streamlit fixes it at 16 px, so a larger
#: text setting had no effect); on a phone the side margins are fixed pixels, not rem, so that larger text
#: gets the width instead of ever wider margins.
_PARTICIPANT_CSS: Final = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] { display: none !important; }
html { -webkit-text-size-adjust: 100%; font-size: 100% !important; }
@media (max-width: 640px) {
  .stMainBlockContainer { padding: 3rem 12px 4rem 12px !important; }
  [data-testid="stExpanderDetails"] { padding-left: 10px !important; padding-right: 10px !important; }
  [class*="st-key-ivp-box-"], [data-testid="stForm"] { padding-left: 10px !important; padding-right: 10px !important; }
  .stMainBlockContainer h1 { font-size: 2rem !important; }
}
.stMainBlockContainer, .stMainBlockContainer * { overflow-wrap: normal; word-break: normal; hyphens: auto; }
.stMainBlockContainer p, .stMainBlockContainer h1, .stMainBlockContainer h2, .stMainBlockContainer h3,
.stMainBlockContainer label { overflow-wrap: break-word; }
*:focus-visible, label[data-testid="stRadioOption"]:has(input:focus-visible),
[data-baseweb="checkbox"]:has(input:focus-visible) {
  outline: 3px solid #0b3d91 !important; outline-offset: 2px !important; }
div[role="radiogroup"] label[data-testid="stRadioOption"] { min-height: 44px; min-width: 44px;
  padding: 6px 10px; margin: 2px 4px 2px 0; align-items: center; box-sizing: border-box; }
.stMainBlockContainer button, .stMainBlockContainer input, .stMainBlockContainer [data-baseweb="select"] > div,
.stMainBlockContainer summary { min-height: 44px; }
.stMainBlockContainer button { min-width: 44px; }
details.ivp-figures { border: 1px solid rgba(49, 51, 63, 0.25); border-radius: 0.5rem; margin: 0.25rem 0 0.75rem 0; }
details.ivp-figures > summary { padding: 10px 12px; cursor: pointer; box-sizing: border-box; }
details.ivp-figures > :not(summary) { padding: 0 12px; }
[data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] { display: none !important; }
html:not([data-ivp-ready]) [data-testid="stMain"] :is(label, button, input, textarea, summary,
  [data-baseweb="select"]) { pointer-events: none !important; }
html:not([data-ivp-ready]) [data-testid="stMain"]::after { content: "Even geduld: de pagina wordt nog geladen…";
  position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; padding: 12px 16px; text-align: center;
  background: #0b3d91; color: #ffffff; font-size: 1rem; }
</style>
"""

#: Runs in the page itself (st.html with JavaScript): the document's language, and Streamlit's English
#: screen-reader texts and status words in Dutch. The empty span first: HTML that starts with <script> is
#: parsed into <head> by the sanitiser and dropped; and no "<" inside the script (DOMPurify drops it).
_LANG_JS: Final = """<span hidden></span>
<script>
(function () {
  const root = window.parent && window.parent.document ? window.parent.document : document;
  const TOO_LARGE = "Dit bestand is te groot: hoogstens 50 MB. Er is niets opgeslagen.";
  const fix = () => {
    root.documentElement.setAttribute("lang", "nl");
    const skip = root.querySelector('[data-testid="stSkipToContent"]');
    if (skip && skip.textContent !== "Naar de inhoud") skip.textContent = "Naar de inhoud";
    const labels = {"Main menu": "Menu", "Link to heading": "Link naar dit kopje", "App pages": "Pagina's",
                    "Close": "Sluiten", "Collapse sidebar": "Menu inklappen", "Expand sidebar": "Menu openen",
                    "Add files": "Ander bestand kiezen", "file upload": "Bestand kiezen"};
    root.querySelectorAll("[aria-label]").forEach((el) => {
      const label = el.getAttribute("aria-label");
      const nl = labels[label] || (label.startsWith("Remove ") ? "Verwijder " + label.slice(7) : undefined);
      if (nl) el.setAttribute("aria-label", nl);
    });
    root.querySelectorAll('[data-testid="stStatusWidget"] label, [data-testid="stConnectionStatus"] label')
      .forEach((el) => {
        const words = {"CONNECTING": "VERBINDEN…", "Connecting": "Verbinden…", "Running...": "Bezig…",
                       "RUNNING...": "BEZIG…", "Stop": "Stop"};
        if (words[el.textContent]) el.textContent = words[el.textContent];
      });
    // An upload over the limit: Streamlit's "File must be 60.0MB or smaller." and, had a proxy refused it,
    // "AxiosError: Request failed with status code 413" (docs/deployment.md, "Uploads": one limit, 50 MB).
    root.querySelectorAll('[data-testid="stFileChip"] *').forEach((el) => {
      if (el.children.length === 0 && /File must be|status code 413|AxiosError/.test(el.textContent))
        el.textContent = TOO_LARGE;
    });
    // An address that is no page (a typo, an old bookmark): Streamlit's English "Page not found" dialog.
    const DIALOG = {"Page not found": "Pagina niet gevonden",
                    "The page that you have requested does not seem to exist. Running the app's main page.":
                      "Dit adres hoort niet bij een pagina van deze app. U ziet nu de startpagina."};
    root.querySelectorAll('[role="dialog"] *').forEach((el) => {
      const nl = el.children.length === 0 ? DIALOG[el.textContent.trim()] : undefined;
      if (nl) el.textContent = nl;
    });
    // Streamlit's sectioned navigation puts section headings directly inside its list; a list that is
    // not a valid list is read out wrongly, so the navigation is presented as plain groups of links.
    root.querySelectorAll('[data-testid="stSidebarNav"] ul, [data-testid="stSidebarNav"] li')
      .forEach((el) => { if (el.getAttribute("role") !== "none") el.setAttribute("role", "none"); });
  };
  // Ready once the first run of the script has finished: until then participant pages take no taps
  // (ui/shell/plain.py _PARTICIPANT_CSS). Without Streamlit's run-state attribute, or after 15 s, ready anyway.
  const ready = () => {
    const app = root.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute("data-test-script-state") : "";
    if (state === "notRunning" || state === null) root.documentElement.setAttribute("data-ivp-ready", "");
  };
  fix();
  if (!root.__ivpLangObserver) {
    root.__ivpLangObserver = new MutationObserver(() => { fix(); ready(); });
    root.__ivpLangObserver.observe(root.body, {subtree: true, childList: true, characterData: true,
                                               attributes: true, attributeFilter: ["data-test-script-state"]});
    setTimeout(() => root.documentElement.setAttribute("data-ivp-ready", ""), 15000);
  }
})();
</script>
"""


#: Every page: Streamlit's caption grey is too light on the grey sidebar (WCAG AA 4.5:1); this is ≈ 7:1.
#: And Streamlit's own words that stayed English, and its phone menu button (28×28 px, under the 44 px a thumb
#: needs): "Press Ctrl+Enter to submit form" under form fields goes; the uploader's "60MB per file • CSV…"
#: (the server's limit, not ours: each label says "hoogstens 50 MB") goes, its "Upload" button says
#: "Bestand kiezen".
_GLOBAL_CSS: Final = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #3d4450 !important; opacity: 1 !important; }
[data-testid="InputInstructions"], [data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"],
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] * { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]::after { content: "Bestand kiezen"; font-size: 1rem; }
@media (max-width: 640px) {
  [data-testid="stMainMenu"] button, [data-testid="stToolbar"] button { min-width: 44px; min-height: 44px; }
}
</style>
"""


def page_language(participant: bool = False) -> None:
    """On every page (app.py): `lang="nl"`, Dutch screen-reader and status words, a valid navigation.

    `participant`: the page is one a resident opens on a phone (no sidebar, a clear focus ring, thumb-sized
    choices). Its style goes in the same element as every page's (with the Dutch chrome above): one element
    for all style, on the page that 300 phones may open at once (docs/deployment.md, "Openen").
    """
    serve_dutch_html()
    st.html(_GLOBAL_CSS + _PARTICIPANT_CSS if participant else _GLOBAL_CSS)
    st.html(_LANG_JS, unsafe_allow_javascript=True)


def cookie_text(name: str, value: str, days: int = 120) -> str:
    """What a page's script assigns to `document.cookie` to keep `value` in this browser (path /, Lax).

    `value` must be URL-safe (the callers' tokens are); anything else is refused, since it goes into a script.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", value) or not re.fullmatch(r"[a-z_]{1,40}", name):
        raise ValueError("cookie name or value not URL-safe")
    return f"{name}={value}; path=/; max-age={days * 86400}; SameSite=Lax"


def set_browser_cookie(name: str, value: str, days: int = 120) -> None:
    """Keep a value in this browser (first-party cookie, path /) so a reopened link finds it again.

    Streamlit can read cookies (`st.context.cookies`) but not set them, so a few lines of script do.
    """
    st.html(
        f"<span hidden></span><script>document.cookie = '{cookie_text(name, value, days)}';</script>",
        unsafe_allow_javascript=True,
    )
