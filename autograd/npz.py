"""Reading `.npz` archives without trusting them: what a file is, its arrays' headers, then bounded data.

`np.load` on a file that is no archive gives advice about `allow_pickle` (a
text file), returns a bare array (a `.npy` file), or allocates whatever a
member's header announces before reading a byte of it (149 GiB for a
forged header). Here a file is first recognised by its first bytes, then
every member's `.npy` header is read (`numpy.lib.format`) without its data,
so that the caller can check shapes and dtypes against what it expects;
only then is the data read, exactly as many bytes as the checked headers
say, which also bounds what a compressed member can inflate to. Every
refusal is a CheckpointError naming the file.
"""

import os
import zipfile
from typing import NamedTuple

import numpy as np
from numpy.lib import format as npformat

from .errors import CheckpointError

#: The first bytes of a zip archive (a local file header; an empty archive starts at its end record).
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: The first bytes of a single `.npy` array file.
NPY_MAGIC = b"\x93NUMPY"


class Header(NamedTuple):
    """What a member's `.npy` header announces: enough to check it as an array would be checked."""

    shape: tuple
    dtype: np.dtype
    member: str  # the member's name in the archive (the key plus ".npy")

    @property
    def ndim(self):
        """The number of axes, as an array's."""
        return len(self.shape)

    @property
    def nbytes(self):
        """The bytes the array's data takes."""
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


def not_an_archive(path):
    """Why `path` is not an .npz archive (None if it starts as one): a folder, an empty file, text..."""
    if os.path.isdir(path):
        return "it is a folder"
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(ZIP_MAGIC):
        return None
    return what_it_is(head) or f"it is not a zip archive (it starts with the bytes {head[:8]!r})"


def what_it_is(head):
    """What a file starting with the bytes `head` is, as a clause ("it is a text file ..."), or None if unknown."""
    if not head:
        return "it is empty"
    if head.startswith(ZIP_MAGIC):
        return "it is a zip archive (an .npz checkpoint is one; a weights file is not)"
    if head.startswith(NPY_MAGIC):
        return "it is a single numpy array (.npy), not an archive of named arrays"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if all(c.isprintable() or c.isspace() for c in text):
        return f"it is a text file (it starts with {text[:24]!r})"
    return None


def read_checked(path, check=None, select=None):
    """{key: array} of the .npz archive `path`: the headers first, `check(headers)`, then the data.

    `select(key)` keeps only some entries (all by default); `check` gets
    {key: Header} of those and raises to refuse them before any data is
    read. Each array is then read to exactly the size its checked header
    announces. The file is opened once, so what was checked is what is read.
    """
    if not os.path.exists(path):
        raise CheckpointError(f"parameter file {path!s} does not exist")
    reason = not_an_archive(path)
    if reason is not None:
        raise CheckpointError(f"parameter file {path!s} is not a checkpoint (an .npz archive): {reason}")
    try:
        with zipfile.ZipFile(path) as archive:
            headers = {
                info.filename[: -len(".npy")]: _header(path, archive, info)
                for info in archive.infolist() if info.filename.endswith(".npy")
            }
            headers = {key: h for key, h in headers.items() if select is None or select(key)}
            if check is not None:
                check(headers)
            return {key: _data(archive, h) for key, h in headers.items()}
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as e:
        raise CheckpointError(f"parameter file {path!s} is a damaged .npz archive: {e}") from None


def _data(archive, header):
    with archive.open(header.member) as f:
        return npformat.read_array(f, allow_pickle=False)


def _header(path, archive, info):
    key = info.filename[: -len(".npy")]
    with archive.open(info) as f:
        try:
            version = npformat.read_magic(f)
            read = {(1, 0): npformat.read_array_header_1_0, (2, 0): npformat.read_array_header_2_0}.get(version)
            if read is None:
                raise ValueError(f".npy format version {version[0]}.{version[1]} is not read here")
            shape, _, dtype = read(f)
        except ValueError as e:
            raise CheckpointError(f"entry '{key}' of {path!s} is not a readable numpy array: {e}") from None
        start = f.tell()
    header = Header(tuple(shape), dtype, info.filename)
    if dtype.hasobject:
        raise CheckpointError(f"entry '{key}' of {path!s} holds Python objects ({dtype}), which only unpickling "
                              "could load, and a checkpoint is never unpickled")
    if start + header.nbytes > info.file_size:
        raise CheckpointError(
            f"entry '{key}' of {path!s} announces a {dtype} array of shape {header.shape} ({header.nbytes} bytes) "
            f"but holds only {info.file_size - start} bytes of data: the file is damaged"
        )
    return header
