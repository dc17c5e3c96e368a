"""Saving and loading parameters, optimizer state and buffers (.npz, no pickle)."""

import os
import zipfile

import numpy as np
import pytest

import autograd as ag
import nodes as nd


def _model(seed=0, out=3):
    rng = np.random.default_rng(seed)
    x = ag.Input("x", shape=(None, 4))
    fc = nd.Linear(4, out, name="fc", rng=rng)
    return ag.Graph(fc(x), rule=ag.SGD(lr=0.1, momentum=0.9)), fc


def _train_one_step(graph):
    graph.forward(x=np.ones((2, 4)))
    graph.backward()


def test_parameters_and_optimizer_state_round_trip(tmp_path):
    graph, fc = _model(seed=0)
    _train_one_step(graph)
    graph.save(tmp_path / "model.npz", extra={"epoch": 7})
    other, other_fc = _model(seed=1)
    extra = other.load(tmp_path / "model.npz")
    assert int(extra["epoch"]) == 7
    np.testing.assert_array_equal(other_fc.weight.value, fc.weight.value)
    np.testing.assert_array_equal(other_fc.bias.value, fc.bias.value)
    np.testing.assert_array_equal(other_fc.weight.state["velocity"], fc.weight.state["velocity"])


def test_keys_are_the_stable_parameter_names(tmp_path):
    graph, _ = _model()
    graph.save(tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz") as archive:
        assert sorted(archive.files) == ["graph/updates", "param/fc.bias", "param/fc.weight"]
        assert int(archive["graph/updates"]) == 0


def test_a_file_with_a_wrong_shape_names_the_parameter_and_both_shapes(tmp_path):
    graph, _ = _model(out=3)
    graph.save(tmp_path / "model.npz")
    other, other_fc = _model(out=5)
    before = other_fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=r"'fc.weight' has shape \(4, 5\) in the graph but \(4, 3\)"):
        other.load(tmp_path / "model.npz")
    np.testing.assert_array_equal(other_fc.weight.value, before)  # nothing changed


def test_a_file_missing_a_parameter_is_refused_and_changes_nothing(tmp_path):
    np.savez(tmp_path / "partial.npz", **{"param/fc.weight": np.zeros((4, 3))})
    graph, fc = _model()
    before = fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=r"missing from the file \['fc.bias'\]"):
        graph.load(tmp_path / "partial.npz")
    np.testing.assert_array_equal(fc.weight.value, before)


def test_a_corrupt_file_is_refused_clearly(tmp_path):
    path = tmp_path / "corrupt.npz"
    path.write_bytes(b"not a zip archive at all")
    graph, _ = _model()
    with pytest.raises(ag.CheckpointError, match=r"corrupt.npz is not a checkpoint \(an .npz archive\): it is a text"):
        graph.load(path)


class _Alarm:
    """Unpickling this object sets a flag: the test fails if it ever happens."""

    unpickled = False

    def __reduce__(self):
        return (_trip, ())


def _trip():
    _Alarm.unpickled = True
    return np.zeros((4, 3))


def test_pickled_objects_are_never_loaded(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, **{"param/fc.weight": np.array([_Alarm()], dtype=object), "param/fc.bias": np.zeros(3)})
    graph, _ = _model()
    with pytest.raises(ag.CheckpointError, match="'param/fc.weight' of .*pickled.npz holds Python objects"):
        graph.load(path)
    assert not _Alarm.unpickled


def test_optimizer_state_that_does_not_fit_is_refused_before_anything_changes(tmp_path):
    graph, fc = _model()
    _train_one_step(graph)
    graph.save(tmp_path / "model.npz")
    arrays = dict(np.load(tmp_path / "model.npz"))
    arrays["state/fc.weight/velocity"] = np.zeros(7)
    np.savez(tmp_path / "bad.npz", **arrays)
    fresh, fresh_fc = _model(seed=3)
    before = fresh_fc.weight.value.copy()
    with pytest.raises(ag.CheckpointError, match=r"'velocity' of parameter 'fc.weight' is float64 \(7,\)"):
        fresh.load(tmp_path / "bad.npz")
    np.testing.assert_array_equal(fresh_fc.weight.value, before)
    assert fresh_fc.weight.state == {}
    arrays["state/fc.weight/velocity"] = np.float64(0.5)  # 0-d: only a step count may be, and it is an integer
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ag.CheckpointError, match=r"'velocity' of parameter 'fc.weight' is float64 \(\)"):
        fresh.load(tmp_path / "bad.npz")


def test_a_crash_while_saving_leaves_the_old_file_intact(tmp_path, monkeypatch):
    graph, fc = _model()
    path = tmp_path / "model.npz"
    graph.save(path)
    original = path.read_bytes()

    def crash(file, **arrays):
        file.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash)
    fc.weight.value += 1
    with pytest.raises(KeyboardInterrupt):
        graph.save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind
    assert zipfile.is_zipfile(path)


def test_buffers_are_saved_and_checked(tmp_path):
    class Running(ag.Node):
        op = "running"

        def __init__(self, x, name=None):
            super().__init__(x, name=name)
            self.buffers = {"mean": np.zeros(2, np.float32)}

        def forward(self, x):
            self.buffers["mean"] += 1
            return x

        def backward(self, g):
            return (g,)

    x = ag.Input("x")
    node = Running(x, name="stats")
    graph = ag.Graph(node)
    graph.forward(x=np.ones(2))
    graph.save(tmp_path / "m.npz")
    node.buffers["mean"][...] = 0
    graph.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(node.buffers["mean"], [1, 1])
    node.buffers = {"mean": np.zeros(3, np.float32)}
    with pytest.raises(ag.CheckpointError, match="buffer 'mean' of node 'stats'"):
        graph.load(tmp_path / "m.npz")


#: The demo CNN's entries as nodegrad 0.1 wrote them, before blocks named their parameters:
#: a checkpoint of that version must keep loading.
VERSION_0_1_CNN = {
    "param/conv1.conv.weight": (5, 5, 1, 16), "param/conv1.bn.gamma": (16,), "param/conv1.bn.beta": (16,),
    "param/conv2.conv.weight": (5, 5, 16, 32), "param/conv2.bn.gamma": (32,), "param/conv2.bn.beta": (32,),
    "param/fc1.weight": (1568, 128), "param/fc1.bias": (128,), "param/classifier.weight": (128, 10),
    "param/classifier.bias": (10,),
    "buffer/conv1.bn.batch_norm/running_mean": (16,), "buffer/conv1.bn.batch_norm/running_var": (16,),
    "buffer/conv2.bn.batch_norm/running_mean": (32,), "buffer/conv2.bn.batch_norm/running_var": (32,),
}


def test_a_checkpoint_in_the_layout_of_version_0_1_loads(tmp_path):
    from autograd.demo import models

    rng = np.random.default_rng(5)
    arrays = {key: rng.standard_normal(shape).astype(np.float32) for key, shape in VERSION_0_1_CNN.items()}
    np.savez(tmp_path / "old.npz", **arrays)
    model = models.build("cnn", seed=0)
    graph = ag.Graph(model.logits)
    graph.load(tmp_path / "old.npz")
    for key, array in arrays.items():
        kind, _, name = key.partition("/")
        if kind == "param":
            np.testing.assert_array_equal(graph.parameter(name).value, array)
        else:
            owner, _, entry = name.rpartition("/")
            np.testing.assert_array_equal(graph.node(owner).buffers[entry], array)


def test_parameters_that_look_renamed_are_named_in_the_refusal(tmp_path):
    x = ag.Input("x", shape=(None, 4))
    nd.Linear(4, 3, name="old", rng=np.random.default_rng(0))(x)
    np.savez(tmp_path / "model.npz", **{"param/old.weight": np.zeros((4, 3)), "param/old.bias": np.zeros(3)})
    graph = ag.Graph(nd.Linear(4, 3, name="new", rng=np.random.default_rng(0))(x))
    with pytest.raises(ag.CheckpointError, match=r"may have been renamed \('old.bias' -> 'new.bias', "
                                                 r"'old.weight' -> 'new.weight'\)"):
        graph.load(tmp_path / "model.npz")
