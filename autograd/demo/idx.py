"""The IDX file format of MNIST, read with every check a damaged file can fail.

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension,
then the values in C order, big-endian:

    magic = 0x00 0x00 <type code> <number of dimensions>

MNIST images are type 0x08 (uint8) with 3 dimensions (magic 2051: count, 28,
28); labels are uint8 with 1 dimension (magic 2049). Files may be gzipped.
Also the digest of a file's content as its bytes arrive (`ContentHasher`).
"""

import gzip
import hashlib
import os
import zlib

import numpy as np

#: IDX type code -> big-endian numpy dtype.
IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IdxError(ValueError):
    """An IDX file is truncated, corrupt or not the shape it should be."""


def read_idx(path, shape=None):
    """The array stored in the IDX file `path` (gzipped if its name ends in .gz).

    `shape` is the expected shape, None marking an axis of any size (the
    sample count): `(None, 28, 28)` for MNIST images. Raises IdxError naming
    the file and what is wrong for a bad magic number, unexpected dimensions,
    or a byte count that does not match the header (truncated or padded).
    """
    return parse_idx(read_bytes(path), path, shape)


def parse_idx(raw, path, shape=None):
    """The array stored in the IDX bytes `raw` (read from `path`, which messages name); see `read_idx`."""
    if len(raw) < 4:
        raise IdxError(f"{path}: only {len(raw)} bytes, too short for an IDX header")
    zero, code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    magic = int.from_bytes(raw[:4], "big")
    if zero != 0 or code not in IDX_TYPES or ndim == 0:
        raise IdxError(
            f"{path}: bad magic number {magic} (0x{magic:08x}); an IDX file starts with two zero bytes, "
            f"a type code in {sorted(hex(c) for c in IDX_TYPES)} and a dimension count"
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IdxError(f"{path}: truncated header: {ndim} dimensions need {header_size} bytes, the file has {len(raw)}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if shape is not None:
        _check_shape(path, magic, dims, shape)
    dtype = IDX_TYPES[code]
    expected = header_size + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "has trailing bytes"
        raise IdxError(
            f"{path}: {what}: the header announces shape {dims} of {dtype.name} ({expected} bytes "
            f"with the header) but the file holds {len(raw)} bytes"
        )
    values = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(dims)
    # Native byte order, so later arithmetic is not slowed by swapped views.
    return values.astype(dtype.newbyteorder("="), copy=False)


def _check_shape(path, magic, dims, shape):
    if len(dims) != len(shape):
        raise IdxError(
            f"{path}: magic number {magic} announces {len(dims)} dimensions {dims}, expected {len(shape)} "
            f"(shape {_format(shape)})"
        )
    for got, want in zip(dims, shape):
        if want is not None and got != want:
            raise IdxError(f"{path}: dimensions {dims} do not match the expected shape {_format(shape)}")


def _format(shape):
    return "(" + ", ".join("N" if d is None else str(d) for d in shape) + ")"


def read_bytes(path):
    """The bytes of the IDX file `path`, decompressed if its name ends in .gz (IdxError if it cannot be read)."""
    path = os.fspath(path)
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                return f.read()
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise IdxError(f"{path}: no such file") from None
    except EOFError:
        raise IdxError(f"{path}: truncated gzip stream (the download was probably cut off)") from None
    except (gzip.BadGzipFile, zlib.error) as e:
        raise IdxError(f"{path}: corrupt gzip data: {e}") from None


class ContentHasher:
    """SHA-256 of what a file holds: of its decompressed bytes if it is gzipped (several members allowed)."""

    def __init__(self, gzipped):
        self.hasher = hashlib.sha256()
        self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None

    def update(self, chunk):
        """Add the next bytes of the file (zlib.error if a gzipped file's bytes are not gzip data)."""
        if self.inflater is None:
            self.hasher.update(chunk)
            return
        while chunk:
            self.hasher.update(self.inflater.decompress(chunk))
            chunk = self.inflater.unused_data  # the start of a next gzip member, if any
            if chunk:
                self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def hexdigest(self):
        """The digest of the content so far; IdxError if a gzipped file ends inside a member."""
        if self.inflater is not None and not self.inflater.eof:
            raise IdxError("the gzip stream ends early (the download was cut off)")
        return self.hasher.hexdigest()
