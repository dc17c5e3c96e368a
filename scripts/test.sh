#!/usr/bin/env bash
# Install everything the test suite needs (into .venv, see install.sh), then
# run the whole suite; pytest arguments pass through, e.g.
# `bash scripts/test.sh -m slow`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh "test,notebooks"
export MPLBACKEND=Agg
exec .venv/bin/python -m pytest "$@"
