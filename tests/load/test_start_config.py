"""One configuration for every way of starting the app (issue 31).

The README's `scripts/start.sh`, the deployment guide's `streamlit run`, the browser tests and the benches
must run with the same settings: a start without `server.fileWatcherType = "none"` made every page open ~20
times as expensive, so the published load figures were out of reach with the documented command.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from bench.serve import ROOT, streamlit_command

#: The settings the load figures depend on, as `.streamlit/config.toml` must give them.
SPEED_SETTINGS = {
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "server.headless": True,
    "runner.postScriptGC": False,
    "browser.gatherUsageStats": False,
}


def test_the_config_file_holds_the_settings_that_matter_for_speed() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for dotted, value in SPEED_SETTINGS.items():
        section, name = dotted.split(".")
        assert config[section][name] == value, dotted


def test_streamlit_reads_them_next_to_app_py_from_any_working_directory(tmp_path: object) -> None:
    """A server started from another folder (a service manager's default) still gets them."""
    probe = (
        "from streamlit import config\n"
        f"config._main_script_path = {str(ROOT / 'app.py')!r}\n"
        "config.get_config_options(force_reparse=True)\n"
        f"print([config.get_option(k) for k in {list(SPEED_SETTINGS)!r}])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=str(tmp_path), capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == repr(list(SPEED_SETTINGS.values()))


def test_no_start_command_sets_or_overrides_them_itself() -> None:
    """Benches and tests measure the documented command: only address and port on the command line."""
    command = streamlit_command("app.py", 8501)
    assert [arg for arg in command if arg.startswith("--")] == ["--server.address", "--server.port"]
    for path in ("scripts/start.sh", "docs/deployment.md", "README.md", "deploy/nginx.conf.example"):
        text = (ROOT / path).read_text(encoding="utf-8")
        for dotted in SPEED_SETTINGS:
            assert not re.search(rf"--{re.escape(dotted)}\b", text), (
                f"{path} sets {dotted} on the command line"
            )
