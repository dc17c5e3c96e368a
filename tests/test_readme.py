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


def test_the_readme_counts_the_slow_runs_and_the_models_they_train():
    from autograd.demo import models
    from tests.autograd.demo import test_accuracy as slow

    words = dict(enumerate("zero one two three four five six seven eight nine ten eleven twelve".split()))
    runs, trained = 0, set()
    for name in dir(slow):
        test = getattr(slow, name)
        if not name.startswith("test_"):
            continue
        grids = [mark for mark in getattr(test, "pytestmark", []) if mark.name == "parametrize"]
        rows = grids[0].args[1] if grids else [()]
        runs += len(rows)
        if name == "test_default_run_reaches_the_documented_accuracy":
            trained = {row[0] for row in rows}
    sentence = " ".join(TEXT.split("bash scripts/test.sh -m slow` trains ")[-1].split(".")[0].split())
    assert sentence.startswith(f"{words[len(trained)]} of the {words[len(models.BUILDERS)]} demo models"), sentence
    assert f"{words[runs]} runs" in sentence, sentence
