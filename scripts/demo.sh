#!/usr/bin/env bash
# Install nodegrad (into .venv, see install.sh) and train the MNIST demo;
# arguments pass through, e.g. `bash scripts/demo.sh --model cnn`. The demo
# finds the data in --data, $NODEGRAD_DATA, the user cache, or downloads it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh demo
export MPLBACKEND=Agg
exec .venv/bin/python -m autograd.demo.mnist "$@"
