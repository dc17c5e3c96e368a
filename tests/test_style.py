"""The code base stays ruff clean (rules in pyproject.toml)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "autograd", "nodes", "tests", "benchmarks", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


#: The longest a module of the engine or the node library may be: one job per file.
MAX_MODULE_LINES = 400


def test_no_module_of_the_engine_or_the_node_library_is_longer_than_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in ("autograd", "nodes") for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, long


def test_ruff_checks_cyclomatic_complexity_at_12():
    config = (ROOT / "pyproject.toml").read_text()
    assert '"C901"' in config and "max-complexity = 12" in config
