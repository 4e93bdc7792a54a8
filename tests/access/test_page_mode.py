"""A run caught in Streamlit's old page-folder mode right after a restart is rerun at the address it asked for.

The browser test (test_first_requests_after_restart.py) hits this race only now and then; here the rerun that
ui/shell/page_mode.py asks for is resolved the way Streamlit resolves it, for the state such a run is in.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.util import calc_hash

from ui.shell.page_mode import _same_address

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _page(url_path: str) -> dict[str, str]:
    return {"page_script_hash": calc_hash(url_path), "page_name": url_path, "url_pathname": url_path}


#: What app.py registers for a logged-in coordinator, as far as this test needs it.
PAGES = {page["page_script_hash"]: page for page in (_page(""), _page("sessies"), _page("stem"))}


#: What a browser says about itself with every request; `st.context.url` is read from it.
BROWSER = ContextInfo(
    url="https://veiligheid.dalfsen.nl/sessies", timezone="Europe/Amsterdam", locale="nl-NL"
)


def _run_asking_for(page_name: str, page_hash: str = "", query: str = "") -> SimpleNamespace:
    """The context of a script run that has started for this request but not yet resolved its page."""
    manager = PagesManager(APP)
    manager.set_script_intent(page_hash, page_name)
    # What Streamlit's script runner sets before the script runs: the main script's hash when none was asked
    manager.set_current_page_script_hash(manager.get_initial_active_script(page_hash)["page_script_hash"])
    return SimpleNamespace(
        query_string=query,
        pages_manager=manager,
        page_script_hash=manager.current_page_script_hash,
        context_info=BROWSER,
    )


def _resolve(rerun: RerunData) -> str:
    manager = PagesManager(APP)
    manager.set_script_intent(rerun.page_script_hash, rerun.page_name)
    found = manager.set_pages_and_resolve(PAGES, fallback_page_hash=calc_hash(""))
    assert found is not None
    return found["url_pathname"]


@pytest.mark.parametrize(
    ("page_name", "page_hash", "expected"),
    [
        ("sessies", "", "sessies"),  # a bookmark or a typed address: only the page name
        ("", calc_hash("stem"), "stem"),  # a browser that reconnects: the hash of the page it showed
        ("", "", ""),  # the start page
    ],
)
def test_a_run_rerun_after_a_restart_opens_the_page_that_was_asked_for(
    page_name: str, page_hash: str, expected: str
) -> None:
    ctx = _run_asking_for(page_name, page_hash, query="k=abc")
    rerun = _same_address(ctx)  # type: ignore[arg-type]
    assert _resolve(rerun) == expected
    assert rerun.query_string == "k=abc"
    # Without the browser's context the rerun's st.context.url is None: the join link fell back to localhost.
    assert rerun.context_info == BROWSER


def test_the_hash_of_the_main_script_would_have_opened_the_start_page() -> None:
    """The control: the address as the old code took it (the run's current hash) loses /sessies."""
    ctx = _run_asking_for("sessies")
    assert _resolve(RerunData(page_script_hash=ctx.page_script_hash, page_name="sessies")) == ""
