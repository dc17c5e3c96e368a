"""A demo run killed outright (SIGKILL: no handler runs) during training or in the middle of a save.

Whenever it dies, the checkpoint on disk loads (the last one written whole),
and resuming from it ends with exactly the parameters, optimizer state and
history of a run that was never interrupted. The stale temporary file a
killed save leaves is removed by the next save of the same checkpoint.
"""

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from autograd.checkpoint import read_npz

REPO = Path(__file__).resolve().parents[2]
FLAGS = ["--hidden", "32", "--test-limit", "300", "--batch-size", "50", "--epochs", "3", "--no-progress"]
#: The demo, with numpy's savez replaced by one that dies half-way through the second checkpoint it writes.
DIES_IN_SECOND_SAVE = """
import os, signal, sys
import numpy as np
from autograd.demo import mnist
real, calls = np.savez, []
def dying(f, **arrays):
    calls.append(1)
    if len(calls) == 2:
        f.write(b"PK" + bytes(4096))
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return real(f, **arrays)
np.savez = dying
sys.exit(mnist.main(sys.argv[1:]))
"""


def demo(*argv, script=None):
    command = [sys.executable, *(["-c", script] if script else ["-m", "autograd.demo.mnist"]), *map(str, argv)]
    return subprocess.Popen(command, cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def state(path):
    """Everything a checkpoint holds of the run but its timings."""
    return {k: v for k, v in read_npz(path).items()
            if k.startswith(("param/", "state/", "buffer/", "extra/history")) and k != "extra/history/seconds"}


def assert_same_run(path, reference):
    a, b = state(path), state(reference)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def finish(checkpoint, data_dir):
    """Resume the killed run from `checkpoint` (saving back into it) and wait for it to end."""
    proc = demo("--resume", checkpoint, "--save", checkpoint, "--data", data_dir, "--no-progress")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, (out + err).decode()
    assert b"after 3 epochs" in out


def straight_run(tmp_path, data_dir, limit):
    path = tmp_path / "straight.npz"
    proc = demo(*FLAGS, "--limit", limit, "--save", path, "--data", data_dir)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, (out + err).decode()
    return path


def test_killed_during_training_it_resumes_from_the_last_checkpoint_to_the_same_end(tmp_path, mnist_dir):
    checkpoint = tmp_path / "run.npz"
    proc = demo(*FLAGS, "--limit", 20000, "--save", checkpoint, "--data", mnist_dir)  # epochs of about a second
    seen, deadline = b"", time.monotonic() + 180
    while b"epoch   1 " not in seen and time.monotonic() < deadline and proc.poll() is None:
        if select.select([proc.stdout], [], [], 1.0)[0]:
            seen += os.read(proc.stdout.fileno(), 4096)
    assert b"epoch   1 " in seen, f"the first epoch did not end: {seen!r}"
    time.sleep(0.2)  # into epoch 2
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert int(read_npz(checkpoint)["extra/epoch"]) in (1, 2)  # the last checkpoint written whole loads
    finish(checkpoint, mnist_dir)
    assert_same_run(checkpoint, straight_run(tmp_path, mnist_dir, 20000))


def test_killed_in_the_middle_of_a_save_it_keeps_the_previous_checkpoint_and_resumes_to_the_same_end(
        tmp_path, mnist_dir):
    checkpoint = tmp_path / "run.npz"
    proc = demo(*FLAGS, "--limit", 2000, "--save", checkpoint, "--data", mnist_dir, script=DIES_IN_SECOND_SAVE)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, (out + err).decode()
    assert int(read_npz(checkpoint)["extra/epoch"]) == 1  # the first checkpoint, whole; the second never replaced it
    stale = [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert len(stale) == 1 and stale[0].startswith(".tmp-run.npz")  # what the killed save was writing
    finish(checkpoint, mnist_dir)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]  # the next save removed it
    assert_same_run(checkpoint, straight_run(tmp_path, mnist_dir, 2000))
