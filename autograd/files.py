"""Writing a file atomically, with the permissions of an ordinary file.

`tempfile.mkstemp` creates its file with mode 0600 so that no one else can
read it while it is being written; renaming it into place would leave the
result readable by its owner only. `atomic_write` gives the finished file
the mode a plain `open(path, "w")` would have given it: the mode of the file
it replaces, or 0666 minus the umask for a new one.
"""

import contextlib
import os
import stat
import tempfile


def current_umask():
    """The process's umask (read by setting it and setting it back)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def ordinary_mode(path):
    """The permission bits `open(path, "w")` would leave: those of an existing file, else 0666 & ~umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None, prefix=".part-"):
    """Write `path` through a temporary file in the same folder, renamed into place on success.

        with atomic_write("metrics.json", "w", encoding="utf-8") as f:
            json.dump(metrics, f)

    The data is flushed to disk before the rename, so readers see the old
    file or the complete new one, never a part. If the block raises
    (KeyboardInterrupt included) the temporary file is removed and `path` is
    left as it was.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            os.chmod(tmp, ordinary_mode(path))
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
