"""Atomic writes with ordinary permissions."""

import os
import stat

import pytest

from autograd.files import atomic_write


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield 0o027
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path, umask_027):
    with atomic_write(tmp_path / "a.txt", "w", encoding="utf-8") as f:
        f.write("hello")
    assert (tmp_path / "a.txt").read_text() == "hello"
    assert mode(tmp_path / "a.txt") == 0o640  # 0666 & ~0027, not mkstemp's 0600


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_027):
    path = tmp_path / "shared.bin"
    path.write_bytes(b"old")
    os.chmod(path, 0o664)
    with atomic_write(path) as f:
        f.write(b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o664


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, error):
    path = tmp_path / "keep.txt"
    path.write_text("old")
    with pytest.raises(error):
        with atomic_write(path, "w") as f:
            f.write("half")
            raise error
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
