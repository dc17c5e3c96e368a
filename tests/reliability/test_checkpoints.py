"""A save never leaves a file that does not load in place of one that does; a forged header is never allocated."""

import io
import zipfile

import numpy as np
import pytest
from numpy.lib import format as npformat

import autograd as ag
import nodes as nd


def _model(seed=0):
    fc = nd.Linear(3, 2, name="fc", rng=np.random.default_rng(seed))
    return ag.Graph(nd.sum(fc(ag.Input("x", shape=(None, 3)))), rule=ag.SGD(0.1)), fc


def _good_checkpoint(tmp_path, name="model.npz"):
    graph, fc = _model()
    path = tmp_path / name
    graph.save(path, **({} if name.endswith(".safetensors") else {"extra": {"epoch": 3}}))
    return graph, fc, path, path.read_bytes()


def _folder(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize("extra, words", [
    ({"meta": {"lr": 0.1}}, r"extra\['meta'\] for .*model.npz is dict \{'lr': 0.1\}, which a checkpoint cannot hold"),
    ({"x": None}, r"extra\['x'\] for .*model.npz is NoneType None, which a checkpoint cannot hold"),
    ({"mixed": np.array([1, "a"], dtype=object)}, r"extra\['mixed'\] for .*model.npz is ndarray array\(\[1, 'a'\]"),
    ({"rows": [[1, 2], [3]]}, r"extra\['rows'\] for .*model.npz is a ragged sequence \(its items differ in length\)"),
    ({3: 1}, "extra entry 3 for .*model.npz: the keys of extra must be strings"),
])
def test_an_extra_a_checkpoint_cannot_hold_is_refused_before_writing(tmp_path, extra, words):
    graph, fc, path, before = _good_checkpoint(tmp_path)
    fc.weight.value[...] = 5.0  # what a new save would have written
    with pytest.raises(ValueError, match=words):
        graph.save(path, extra={"epoch": 4, **extra})
    assert path.read_bytes() == before and _folder(tmp_path) == ["model.npz"]
    assert int(_model(seed=1)[0].load(path)["epoch"]) == 3  # the old checkpoint still loads


def test_numbers_strings_and_arrays_are_fine_extras(tmp_path):
    graph, _ = _model()
    extra = {"epoch": 2, "done": True, "name": "run-1", "curve": [0.5, 0.25], "grid": np.eye(2, dtype=np.int8)}
    graph.save(tmp_path / "m.npz", extra=extra)
    back = _model(seed=1)[0].load(tmp_path / "m.npz")
    assert sorted(back) == sorted(extra)
    assert int(back["epoch"]) == 2 and bool(back["done"]) and str(back["name"]) == "run-1"
    np.testing.assert_array_equal(back["curve"], [0.5, 0.25])
    np.testing.assert_array_equal(back["grid"], np.eye(2))


def test_extras_too_large_to_load_are_refused_before_writing(tmp_path, monkeypatch):
    from autograd import checkpoint

    monkeypatch.setattr(checkpoint, "MAX_EXTRA_BYTES", 1000)
    graph, _, path, before = _good_checkpoint(tmp_path)
    with pytest.raises(ValueError, match=r"the extra entries for .*model.npz take 8000 bytes, more than the 1000"):
        graph.save(path, extra={"big": np.zeros(1000)})
    assert path.read_bytes() == before


def test_a_written_file_that_does_not_read_back_never_replaces_the_old_one(tmp_path, monkeypatch):
    graph, fc, path, before = _good_checkpoint(tmp_path)
    real_savez = np.savez

    def savez_with_an_object(file, **arrays):  # as if some entry had slipped through as a pickled object
        real_savez(file, **arrays, sneaky=np.array([{}], dtype=object))

    monkeypatch.setattr(np, "savez", savez_with_an_object)
    with pytest.raises(ag.CheckpointError, match=r"the checkpoint written for .*model.npz did not read back: .*"
                                                 r"'sneaky' .* holds Python objects.*model.npz was left as is"):
        graph.save(path)
    assert path.read_bytes() == before and _folder(tmp_path) == ["model.npz"]


def test_a_weights_file_that_does_not_read_back_never_replaces_the_old_one(tmp_path, monkeypatch):
    graph, _, path, before = _good_checkpoint(tmp_path, "model.safetensors")
    import safetensors.numpy

    monkeypatch.setattr(safetensors.numpy, "save", lambda tensors: b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    with pytest.raises(ag.CheckpointError, match=r"the weights written for .*model.safetensors did not read back: "
                                                 r"its tensors differ from those written"):
        graph.save(path)
    assert path.read_bytes() == before and _folder(tmp_path) == ["model.safetensors"]


def _npy(shape, dtype="<f4", data=b"\0" * 64):
    buffer = io.BytesIO()
    npformat.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + data


def _forge(path, members, announce=None):
    """An .npz of `members` {key: bytes}, whose zip directory says `announce` {key: size} bytes (not compressed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for key, data in members.items():
            archive.writestr(key + ".npy", data)
    raw = bytearray(path.read_bytes())
    for key, size in (announce or {}).items():  # the central directory's uncompressed size of the member
        name = (key + ".npy").encode()
        at = raw.index(b"PK\x01\x02")
        while raw[at + 46: at + 46 + len(name)] != name:
            at = raw.index(b"PK\x01\x02", at + 4)
        raw[at + 24: at + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(raw))


BIG = (1_000_000_000,)  # 4 GB of float32: announced, never allocated


def test_a_parameter_header_announcing_a_huge_array_is_refused_from_its_header(tmp_path):
    graph, fc = _model()
    before = fc.weight.value.copy()
    path = tmp_path / "forged.npz"
    _forge(path, {"param/fc.weight": _npy(BIG), "param/fc.bias": _npy((2,), data=b"\0" * 8)},
           announce={"param/fc.weight": 4_000_000_128})
    with pytest.raises(ag.CheckpointError, match=r"parameter 'fc.weight' has shape \(3, 2\) in the graph but "
                                                 r"\(1000000000,\) in the file .*forged.npz"):
        graph.load(path)
    np.testing.assert_array_equal(fc.weight.value, before)


def test_an_extra_announcing_more_than_extras_may_take_is_refused_from_its_header(tmp_path):
    graph, fc, path, _ = _good_checkpoint(tmp_path)
    with np.load(path) as archive:
        members = {key: _npy(archive[key].shape, archive[key].dtype.str, archive[key].tobytes())
                   for key in archive.files}
    members["extra/blob"] = _npy(BIG)
    forged = tmp_path / "forged.npz"
    _forge(forged, members, announce={"extra/blob": 4_000_000_128})
    other, other_fc = _model(seed=1)
    before = other_fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=r"forged.npz announces 4000000\d+ bytes of entries outside the "
                                                 r"graph's parameters \(the largest, 'extra/blob', a float32 array "
                                                 r"of shape \(1000000000,\)\)"):
        other.load(forged)
    np.testing.assert_array_equal(other_fc.weight.value, before)
    assert other.updates == 0


def test_a_header_announcing_more_than_the_member_holds_is_a_damaged_file(tmp_path):
    path = tmp_path / "short.npz"
    _forge(path, {"param/fc.weight": _npy((200_000, 200_000)), "param/fc.bias": _npy((2,), data=b"\0" * 8)})
    graph, fc = _model()
    with pytest.raises(ag.CheckpointError, match=r"entry 'param/fc.weight' of .*short.npz announces a float32 array "
                                                 r"of shape \(200000, 200000\) \(160000000000 bytes\) but holds only "
                                                 r"64 bytes of data: the file is damaged"):
        graph.load(path)


def test_a_weights_file_of_the_wrong_shapes_is_refused_from_its_header(tmp_path):
    import safetensors.numpy

    path = tmp_path / "w.safetensors"
    safetensors.numpy.save_file({"fc.weight": np.zeros((5, 3), np.float32), "fc.bias": np.zeros(2, np.float32)}, path)
    graph, fc = _model()
    before = fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=r"parameter 'fc.weight' has shape \(3, 2\) in the graph but "
                                                 r"\(5, 3\) in the file .*w.safetensors"):
        graph.load(path)
    np.testing.assert_array_equal(fc.weight.value, before)
