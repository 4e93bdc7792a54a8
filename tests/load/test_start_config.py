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


def test_one_upload_limit_agrees_at_every_layer() -> None:
    """People see 50 MB; the app takes bodies up to 60 MB so that it refuses 50-60 MB itself in Dutch; nginx
    lets a little more through than the app, never less (a 57 MB file once met nginx's English 413)."""
    from ivp_core.analysis.importers.preview import MAX_FILE_MB, UPLOAD_LIMIT_MB
    from ivp_core.backup.format import MAX_BACKUP_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    app_mb = config["server"]["maxUploadSize"]
    nginx = re.search(r"client_max_body_size (\d+)m;", (ROOT / "deploy" / "nginx.conf.example").read_text())
    assert nginx is not None
    assert MAX_FILE_MB == MAX_BACKUP_BYTES // (1024 * 1024) == 50
    assert UPLOAD_LIMIT_MB <= app_mb < int(nginx.group(1))
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "50 MB" in docs and "55 MB" not in docs and "55m" not in docs
