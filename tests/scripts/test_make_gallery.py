"""The gallery script regenerates every image that the README embeds, from real digits when it has them."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.demo import data

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_gallery.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def mnist_folder():
    """The MNIST files if they are here (NODEGRAD_DATA or the cache), without downloading; else None."""
    try:
        return data.locate(download=False)
    except data.DataError:
        return None


def gallery_module():
    spec = importlib.util.spec_from_file_location("make_gallery", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gallery_writes_every_readme_diagram(tmp_path):
    # CI sets NODEGRAD_DATA, so the images come from real digits; without the
    # files the script still runs, says so, and titles its images honestly.
    folder = mnist_folder()
    env = dict(os.environ)
    if folder is not None:
        env["NODEGRAD_DATA"] = str(folder)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--svg", "--no-download"],
        capture_output=True, text=True, cwd=REPO, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr
    written = {p.name for p in tmp_path.iterdir()}
    # Every image in img/ that the README shows and that is not a demo plot comes from this script.
    embedded = set(re.findall(r"\(img/([\w.]+\.png)\)", (REPO / "README.md").read_text()))
    diagrams = {name for name in embedded if not name.startswith("mnist_")}
    assert diagrams and diagrams <= written
    for name in written:
        content = (tmp_path / name).read_bytes()
        assert content.startswith(PNG_MAGIC) if name.endswith(".png") else b"<svg" in content
    cnn = (tmp_path / "cnn.svg").read_text()
    if folder is not None:
        assert "random" not in result.stderr and "32 MNIST digits" in cnn and "random images" not in cnn
    else:
        assert "random pixels" in result.stderr and "random images" in cnn and "MNIST digits" not in cnn


def test_without_mnist_the_batch_is_random_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NODEGRAD_DATA", str(tmp_path / "nothing"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    batch = gallery_module().digits(n=8, download=False)
    assert batch.images.shape == (8, 28, 28) and batch.labels.shape == (8,)
    assert batch.what == "8 random images (MNIST not found)"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "random pixels instead of digits" in err[0]


def test_with_mnist_the_batch_is_real_digits(monkeypatch, capsys):
    folder = mnist_folder()
    if folder is None:
        pytest.skip("MNIST is not here (set NODEGRAD_DATA, as CI does)")
    monkeypatch.setenv("NODEGRAD_DATA", str(folder))
    batch = gallery_module().digits(n=8, download=False)
    assert batch.what == "8 MNIST digits"
    assert batch.images.shape == (8, 28, 28) and 0.0 <= batch.images.min() and batch.images.max() <= 1.0
    assert batch.labels.min() >= 0 and batch.labels.max() <= 9
    assert capsys.readouterr().err == ""
