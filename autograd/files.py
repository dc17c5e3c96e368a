"""Writing a file atomically, with the permissions of an ordinary file, leaving no temporary files behind.

`tempfile.mkstemp` creates its file with mode 0600 so that no one else can
read it while it is being written; renaming it into place would leave the
result readable by its owner only. `atomic_write` gives the finished file
the mode a plain `open(path, "w")` would have given it: the mode of the file
it replaces, or 0666 minus the umask for a new one.

The temporary file of `model.npz` is `<prefix>model.npz.<8 hex digits>`
(`.tmp-model.npz.3f9a0c1e`), locked (flock) while it is written. A process
killed while writing leaves it behind; the next write of `model.npz`
removes such files, and only those: the exact name pattern of that target,
and only when no live writer holds the lock.
"""

import contextlib
import hashlib
import os
import re
import secrets
import stat

try:
    import fcntl
except ImportError:  # Windows: no flock, but a file another process has open cannot be removed there
    fcntl = None


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


def temp_stem(path, prefix):
    """The start of the temporary files' names for `path`: `prefix` and its file name (hashed if very long)."""
    base = os.path.basename(os.fspath(path))
    if len(os.fsencode(prefix + base)) > 200:  # file names are limited to 255 bytes
        base = hashlib.sha256(os.fsencode(base)).hexdigest()[:16]
    return prefix + base + "."


def remove_stale(path, prefix):
    """Remove the temporary files a killed writer of `path` left (its exact pattern, no live writer's)."""
    folder = os.path.dirname(os.path.abspath(path))
    pattern = re.compile(re.escape(temp_stem(path, prefix)) + "[0-9a-f]{8}")
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                _remove_if_abandoned(entry.path)


def _remove_if_abandoned(tmp):
    if fcntl is None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    try:
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises while a live writer holds it
        os.unlink(tmp)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(path, prefix):
    """(fd, name) of a new temporary file next to `path`, mode 0600, locked for as long as it is open."""
    folder = os.path.dirname(os.path.abspath(path))
    stem = temp_stem(path, prefix)
    while True:
        tmp = os.path.join(folder, stem + secrets.token_hex(4))
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # not removed as stale by another writer before it was locked
            return fd, tmp
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None, prefix=".part-", verify=None):
    """Write `path` through a temporary file in the same folder, renamed into place on success.

        with atomic_write("metrics.json", "w", encoding="utf-8") as f:
            json.dump(metrics, f)

    The data is flushed to disk before the rename, so readers see the old
    file or the complete new one, never a part. `verify(tmp)`, if given, is
    called with the finished temporary file's name before the rename and
    may raise to refuse it. If the block or `verify` raises
    (KeyboardInterrupt included) the temporary file is removed and `path` is
    left as it was. Temporary files of `path` left by killed writers are
    removed first (see the module docstring).
    """
    path = os.fspath(path)
    remove_stale(path, prefix)
    fd, tmp = _create_temp(path, prefix)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            os.chmod(tmp, ordinary_mode(path))
            yield f
            f.flush()
            os.fsync(f.fileno())
            if verify is not None:
                verify(tmp)
            if fcntl is not None:  # renamed while still locked, so that no one takes it for abandoned
                os.replace(tmp, path)
        if fcntl is None:  # Windows cannot rename an open file
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
