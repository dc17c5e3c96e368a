"""CONTRIBUTING's examples run as written, in order, in one namespace (a later one uses an earlier one's node)."""

import pathlib
import re

CONTRIBUTING = pathlib.Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
BLOCKS = re.findall(r"```python\n(.*?)```", CONTRIBUTING.read_text(), flags=re.S)


def test_contributing_has_its_examples():
    assert len(BLOCKS) >= 3


def test_contributing_examples_run_and_their_nodes_check(capsys):
    namespace = {"__name__": "__contributing__"}
    for k, code in enumerate(BLOCKS):
        exec(compile(code, f"CONTRIBUTING.md example {k + 1}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.count("ok") >= 2 and "FAILED" not in printed  # both checks of the square node pass
    block = namespace["Residual"](4, name="res")
    assert [name for name, _ in block.named_parameters()][:2] == ["res.fc1.weight", "res.fc1.bias"]
