"""Files that are not what they are taken for get one sentence naming them; killed saves leave nothing behind."""

import fcntl
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.demo import mnist


def _model(seed=0):
    fc = nd.Linear(3, 2, name="fc", rng=np.random.default_rng(seed))
    return ag.Graph(nd.sum(fc(ag.Input("x", shape=(None, 3))))), fc


def _write_text(path):
    path.write_text("epoch,loss\n1,0.25\n")


def _write_npy(path):
    with open(path, "wb") as f:
        np.save(f, np.ones(3))


def _write_npz(path):
    _model()[0].save(path.with_suffix(".npz"))
    os.replace(path.with_suffix(".npz"), path)


def _write_empty(path):
    path.write_bytes(b"")


NOT_CHECKPOINTS = [
    pytest.param("notes.npz", _write_text, r"it is a text file \(it starts with 'epoch,loss\\n1,0.25\\n'\)", id="text"),
    pytest.param("array.npy", _write_npy, r"it is a single numpy array \(.npy\), not an archive", id="npy"),
    pytest.param("array.npz", _write_npy, r"it is a single numpy array \(.npy\), not an archive", id="npy-as-npz"),
    pytest.param("empty.npz", _write_empty, "it is empty", id="empty"),
]


@pytest.mark.parametrize("name, write, words", NOT_CHECKPOINTS)
def test_a_file_that_is_no_checkpoint_is_named_in_one_sentence(tmp_path, name, write, words):
    path = tmp_path / name
    write(path)
    before = path.read_bytes()
    graph, fc = _model()
    weight = fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=rf"parameter file .*{name} is not a checkpoint \(an .npz archive\): "
                                                 + words) as caught:
        graph.load(path)
    assert "allow_pickle" not in str(caught.value) and "\n" not in str(caught.value)
    np.testing.assert_array_equal(fc.weight.value, weight)
    assert path.read_bytes() == before


def test_a_folder_is_no_checkpoint(tmp_path):
    with pytest.raises(ag.CheckpointError, match=r"parameter file .* is not a checkpoint \(an .npz archive\): it is "
                                                 "a folder"):
        _model()[0].load(tmp_path)


@pytest.mark.parametrize("name, write, words", [
    pytest.param("w.safetensors", _write_text, r"it is a text file \(it starts with 'epoch", id="text"),
    pytest.param("w.safetensors", _write_npy, r"it is a single numpy array \(.npy\)", id="npy"),
    pytest.param("w.safetensors", _write_npz, r"it is a zip archive \(an .npz checkpoint is one; a weights file is",
                 id="npz"),
    pytest.param("w.safetensors", _write_empty, "it is empty", id="empty"),
])
def test_a_file_that_is_no_weights_file_is_named_in_one_sentence(tmp_path, name, write, words):
    path = tmp_path / name
    write(path)
    graph, fc = _model()
    weight = fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=rf"weights file .*{name} is not a readable safetensors file: {words}"):
        graph.load(path)
    np.testing.assert_array_equal(fc.weight.value, weight)


@pytest.mark.parametrize("name, write, words", NOT_CHECKPOINTS[:2])
def test_the_demo_resumes_from_no_such_file_with_one_line(capsys, tmp_path, name, write, words):
    path = tmp_path / name
    write(path)
    status = mnist.main(["--resume", str(path), "--epochs", "0"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert f"{name} is not a checkpoint (an .npz archive)" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _temp_files(folder):
    return sorted(name for name in os.listdir(folder) if name.startswith(".tmp-"))


@pytest.mark.parametrize("name", ["model.npz", "model.safetensors"])
def test_a_save_killed_midway_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path, name):
    path = tmp_path / name
    graph, fc = _model()
    graph.save(path)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal
        from autograd.files import atomic_write
        with atomic_write({str(path)!r}, prefix=".tmp-") as f:
            f.write(b"half a checkpoint")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}  # this worktree's autograd
    done = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), env=env)
    assert done.returncode == -9
    left = _temp_files(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".tmp-{name}.")
    assert path.read_bytes() == before  # the old file is whole
    fc.weight.value[...] = 2.0
    graph.save(path)
    assert _temp_files(tmp_path) == []
    other, other_fc = _model(seed=1)
    other.load(path)
    np.testing.assert_array_equal(other_fc.weight.value, np.full((3, 2), 2.0))


def test_cleaning_up_removes_only_the_savers_own_abandoned_temporary_files(tmp_path):
    path = tmp_path / "model.npz"
    abandoned = tmp_path / ".tmp-model.npz.0123abcd"
    others = [
        ".tmp-model.npz.0123abcd.keep", ".tmp-model.npz.0123abc", ".tmp-model.npz.0123ABCD", ".tmp-other.npz.0123abcd",
        ".tmp-model.npzz.0123abcd", ".part-model.npz.0123abcd", ".tmp-k3j4h5g6", "model.npz.0123abcd", "notes.txt",
    ]
    for name in [abandoned.name, *others]:
        (tmp_path / name).write_text("someone's data")
    folder = tmp_path / ".tmp-model.npz.00000000"
    folder.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("kept")
    (tmp_path / ".tmp-model.npz.11111111").symlink_to(target)
    live = tmp_path / ".tmp-model.npz.feedbeef"  # another process's save in progress: it holds the lock
    live.write_text("being written")
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        _model()[0].save(path)
    assert not abandoned.exists()
    for name in others:
        assert (tmp_path / name).read_text() == "someone's data", name
    assert folder.is_dir() and target.read_text() == "kept" and os.path.islink(tmp_path / ".tmp-model.npz.11111111")
    assert live.read_text() == "being written"
    _model(seed=1)[0].load(path)  # the new save is whole
