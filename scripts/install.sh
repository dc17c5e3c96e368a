#!/usr/bin/env bash
# Install nodegrad with the extras named in $1 (e.g. "demo" or "test,notebooks"),
# plus Debian's graphviz package for the `dot` binary that renders diagrams.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-demo}"

if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "Graphviz's 'dot' is missing and this user cannot run apt-get: install the 'graphviz' package." >&2
        exit 1
    fi
    echo "Installing Debian's graphviz package (for the dot binary)..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq graphviz >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[${extras}]"
