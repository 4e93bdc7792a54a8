#!/usr/bin/env bash
# The README's start command: install into .venv and serve the app on port 8501 (demo loads on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
export IVP_ADMIN_PASSWORD="${IVP_ADMIN_PASSWORD:-demo}"
# Every setting that matters (no file watcher, headless, ...) is in .streamlit/config.toml, read by every way of
# starting the app; add only address and port here (docs/deployment.md).
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" "$@"
