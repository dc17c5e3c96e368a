"""The gallery script regenerates every image that the README embeds."""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_the_gallery_writes_every_readme_diagram(tmp_path, mnist_dir, monkeypatch):
    monkeypatch.setenv("NODEGRAD_DATA", str(mnist_dir))
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_gallery.py"), "--out", str(tmp_path), "--svg"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
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

