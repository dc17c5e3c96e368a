"""The README's Python examples run as written (in a scratch folder), and print what it says they print."""

import contextlib
import io
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text()
# Each block, with the text up to the next block (where a claim such as "It prints `...`" would be).
BLOCKS = re.findall(r"```python\n(.*?)```(.*?)(?=```|\Z)", TEXT, flags=re.S)


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 1
    assert any("It prints `" in after for _, after in BLOCKS), "the quickstart's output is no longer stated"


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_prints_what_the_readme_says(index, tmp_path, monkeypatch):
    code, after = BLOCKS[index]
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"README.md example {index + 1}", "exec"), {"__name__": "__readme__"})
    claim = re.search(r"It prints `(.*?)`", after)
    if claim:
        assert printed.getvalue().strip().splitlines()[-1] == claim.group(1)
