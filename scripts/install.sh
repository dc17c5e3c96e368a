#!/usr/bin/env bash
# Install nodegrad, with the extras named in $1 (e.g. "demo" or "test,notebooks"),
# into the virtual environment .venv of this checkout, plus Debian's graphviz
# package for the `dot` binary that renders diagrams, and the diagrams' fonts.
# With the test extras, also Debian's chromium: the browser test of the
# backward stepper's page drives it headless (the demo never needs it).
#
# Why a virtual environment: Debian's own python3 refuses `pip install` outside
# one (PEP 668), and an environment of the checkout's own never replaces what
# another project installed. Apt-get installs what is missing when run as root
# (or with sudo): graphviz, and python3-venv where Debian splits venv off.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-demo}"
venv=".venv"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "install.sh: '$*' needs root; run it as root, or install the package by hand." >&2
        exit 1
    fi
}

apt_install() {
    echo "Installing Debian's $* ..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# The diagrams' fonts come with graphviz only as "recommended" packages,
# which minimal systems skip: ask for them by name. grep reads all of
# fc-list's output (no -q): quitting at the first match killed fc-list with
# SIGPIPE, which pipefail turned into "font missing" about half the time.
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
fc-list 2>/dev/null | grep -i "Liberation Sans" >/dev/null || missing+=(fonts-liberation2)
fc-list 2>/dev/null | grep -i "DejaVu Sans" >/dev/null || missing+=(fonts-dejavu-core)
case ",${extras}," in
    *,test,*) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
esac
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
fi

if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"  # a half-made environment (no ensurepip) would be reused otherwise
        minor=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
        apt_install "python${minor}-venv"
        python3 -m venv "$venv"
    fi
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${extras}]"
