"""The demo's command line refuses what cannot work before training starts, and says what a run will not do.

Output files in a folder that does not exist or cannot be written are
refused before the data is loaded; resuming without --save says at the
start that nothing will be saved; resuming with another optimizer is
refused; the Ctrl-C hint is a command that works as printed (this
interpreter by its path); the test set's evaluation shows a progress bar.
The real data comes from NODEGRAD_DATA.
"""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.demo import arguments, mnist

REPO = Path(__file__).resolve().parents[2]
TINY = ["--hidden", "16", "--limit", "200", "--test-limit", "100", "--batch-size", "50"]
OUTPUTS = [("--save", "run.npz"), ("--metrics-json", "m.json"), ("--plot", "curves.png"),
           ("--predictions", "grid.png"), ("--draw", "graph.svg"), ("--trace-backward", "step.html")]


def run(capsys, *argv):
    status = mnist.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A run of one epoch saved with the default optimizer (adamw for the mlp)."""
    path = tmp_path_factory.mktemp("run") / "one.npz"
    assert mnist.main([*TINY, "--epochs", "1", "--save", str(path), "--no-progress"]) == 0
    return path


@pytest.mark.parametrize(("flag", "name"), OUTPUTS)
def test_an_output_in_a_missing_folder_is_refused_before_the_data_is_loaded(capsys, tmp_path, flag, name):
    target = tmp_path / "missing" / name
    status, out, err = run(capsys, *TINY, "--epochs", "1", flag, target)
    assert status == 2 and out == ""
    assert err == f"nodegrad-mnist: error: the folder of {flag} {target} does not exist (see --help)\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("flag", "name"), OUTPUTS)
def test_an_output_in_a_folder_that_cannot_be_written_is_refused_before_the_data_is_loaded(
        capsys, tmp_path, monkeypatch, flag, name):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)  # refused by the system for an ordinary user...

    def refuse(**kwargs):  # ...and a file system refusing the write stands for it when the tests run as root
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(arguments.tempfile, "mkstemp", refuse)
    try:
        status, out, err = run(capsys, *TINY, "--epochs", "1", flag, folder / name)
    finally:
        folder.chmod(0o755)
    assert status == 2 and out == ""
    assert err == (f"nodegrad-mnist: error: {flag} {folder / name}: the folder {folder} cannot be written "
                   "(no permission, or read-only) (see --help)\n")
    assert list(folder.iterdir()) == []


def test_the_write_check_leaves_nothing_in_a_writable_folder(tmp_path):
    assert arguments.writable(str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # the empty file it tried was removed


def test_resuming_without_save_says_so_before_training_and_leaves_the_checkpoint_as_it_was(capsys, checkpoint):
    before = checkpoint.read_bytes()
    status, out, err = run(capsys, "--resume", checkpoint, "--epochs", "1", "--no-progress")
    assert status == 0, err
    note = (f"note: without --save, what this run trains (1 more epoch) is not saved and {checkpoint} stays as it "
            f"was; add --save {checkpoint} to keep it")
    assert note in out.splitlines()
    assert out.index(note) < out.index("epoch   2 ")  # said at the start
    assert "checkpoint:" not in out and checkpoint.read_bytes() == before


def test_resuming_only_to_evaluate_gives_no_note(capsys, checkpoint):
    status, out, _ = run(capsys, "--resume", checkpoint, "--epochs", "0", "--no-progress")
    assert status == 0 and "note:" not in out and f"test accuracy of {checkpoint}: " in out


def test_resuming_with_another_optimizer_is_refused_naming_both_and_changing_nothing(capsys, checkpoint):
    before = checkpoint.read_bytes()
    status, out, err = run(capsys, "--resume", checkpoint, "--optimizer", "sgd", "--save", checkpoint)
    assert status == 2 and out == ""
    assert err == (f"nodegrad-mnist: error: {checkpoint} was trained with adamw, whose state (moments, step counts) "
                   "--optimizer sgd cannot continue; start a new run to change the optimizer (see --help)\n")
    assert checkpoint.read_bytes() == before


def test_the_ctrl_c_hint_runs_as_printed_outside_an_activated_environment(tmp_path):
    saved = tmp_path / "hint.npz"
    assert mnist.main([*TINY, "--epochs", "1", "--save", str(saved), "--no-progress"]) == 0
    args = mnist.make_parser().parse_args([*TINY, "--save", str(saved), "--no-progress"])
    words = shlex.split(mnist.resume_command(args))
    assert words[:3] == [sys.executable, "-m", "autograd.demo.mnist"]
    bin_folder = os.path.dirname(sys.executable)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != bin_folder)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | {"PATH": path, "MPLBACKEND": "Agg"}
    done = subprocess.run(words, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"the run in {saved} is complete (1 epoch)" in done.stdout and "test accuracy of" in done.stdout


def test_the_test_set_evaluation_shows_a_progress_bar_unless_no_progress(capsys, tmp_path):
    status, _, err = run(capsys, *TINY, "--epochs", "1")
    assert status == 0
    bars = err.replace("\r", "\n").splitlines()
    assert any(line.startswith("test:") and "/100" in line for line in bars), err
    status, _, err = run(capsys, *TINY, "--epochs", "1", "--no-progress")
    assert status == 0 and err == ""
