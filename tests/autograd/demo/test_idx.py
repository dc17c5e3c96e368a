"""The IDX reader against small files written here: valid, truncated, corrupt, mismatched."""

import gzip

import numpy as np
import pytest

from autograd.demo.idx import IdxError, read_idx


def idx_bytes(array, code=0x08):
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, payload):
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)
    return path


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, size=(5, 4, 3), dtype=np.uint8)


@pytest.mark.parametrize("name", ["images.idx", "images.idx.gz"])
def test_reads_raw_and_gzip(tmp_path, images, name):
    path = write(tmp_path / name, idx_bytes(images))
    out = read_idx(path, shape=(None, 4, 3))
    np.testing.assert_array_equal(out, images)
    assert out.dtype == np.uint8


def test_reads_big_endian_floats_into_native_order(tmp_path):
    values = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    out = read_idx(write(tmp_path / "f.idx", idx_bytes(values, code=0x0D)))
    np.testing.assert_array_equal(out, values)
    assert out.dtype.isnative


@pytest.mark.parametrize("name", ["t.idx", "t.idx.gz"])
def test_truncated_data_is_refused(tmp_path, images, name):
    path = write(tmp_path / name, idx_bytes(images)[:-7])
    with pytest.raises(IdxError, match="truncated") as info:
        read_idx(path)
    assert name in str(info.value)


def test_trailing_bytes_are_refused(tmp_path, images):
    path = write(tmp_path / "long.idx", idx_bytes(images) + b"\0\0")
    with pytest.raises(IdxError, match="trailing bytes"):
        read_idx(path)


def test_truncated_header_is_refused(tmp_path, images):
    path = write(tmp_path / "head.idx", idx_bytes(images)[:9])
    with pytest.raises(IdxError, match="truncated header"):
        read_idx(path)


@pytest.mark.parametrize("magic", [b"\x01\x00\x08\x03", b"\x00\x00\x07\x03", b"\x00\x00\x08\x00", b"PK\x03\x04"])
def test_corrupt_magic_is_refused(tmp_path, images, magic):
    path = write(tmp_path / "bad.idx", magic + idx_bytes(images)[4:])
    with pytest.raises(IdxError, match="bad magic number") as info:
        read_idx(path)
    assert "bad.idx" in str(info.value)


def test_wrong_number_of_dimensions_is_refused(tmp_path, images):
    path = write(tmp_path / "labels.idx", idx_bytes(images))
    with pytest.raises(IdxError, match="3 dimensions"):
        read_idx(path, shape=(None,))


def test_wrong_dimensions_are_refused(tmp_path, images):
    path = write(tmp_path / "small.idx", idx_bytes(images))
    with pytest.raises(IdxError, match=r"do not match the expected shape \(N, 28, 28\)"):
        read_idx(path, shape=(None, 28, 28))


def test_truncated_gzip_stream_is_refused(tmp_path, images):
    whole = gzip.compress(idx_bytes(images))
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IdxError, match="cut.idx.gz"):
        read_idx(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(IdxError, match="nothing.idx: no such file"):
        read_idx(tmp_path / "nothing.idx")
