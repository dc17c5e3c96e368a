"""Weights as .safetensors files: stable names, the same whole-file checks as .npz, atomic writes."""

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

import autograd as ag
import nodes as nd


def model(seed=0, out=3):
    rng = np.random.default_rng(seed)
    x = ag.Input("x", shape=(None, 4))
    h = nd.BatchNorm(out, name="bn")(nd.Linear(4, out, name="fc", rng=rng)(x))
    graph = ag.Graph(nd.sum(h * h), rule=ag.Adam(lr=0.1))
    return graph, x


def trained(seed=0, out=3):
    graph, x = model(seed, out)
    graph.forward({x: np.random.default_rng(seed).standard_normal((8, 4))})
    graph.backward()
    return graph


def values(graph):
    arrays = {p.name: p.value.copy() for p in graph.parameters}
    arrays.update({f"{name}.{k}": v.copy() for name, b in ag.graph.buffered(graph.nodes) for k, v in b.items()})
    return arrays


def test_keys_are_the_stable_names_of_the_parameters_and_buffers(tmp_path):
    graph = trained()
    graph.save(tmp_path / "model.safetensors")
    stored = load_file(str(tmp_path / "model.safetensors"))
    assert sorted(stored) == ["bn.batch_norm.running_mean", "bn.batch_norm.running_var", "bn.beta", "bn.gamma",
                              "fc.bias", "fc.weight"]
    for key, value in values(graph).items():
        np.testing.assert_array_equal(stored[key], value)


def test_a_round_trip_sets_the_weights_and_leaves_the_optimizer_alone(tmp_path):
    source = trained(seed=0)
    source.save(tmp_path / "model.safetensors")
    target = trained(seed=1)
    moments = {p.name: {k: np.array(v) for k, v in p.state.items()} for p in target.parameters}
    assert target.load(tmp_path / "model.safetensors") == {}
    expected, loaded = values(source), values(target)
    for key in expected:
        np.testing.assert_array_equal(loaded[key], expected[key])
    for p in target.parameters:
        for key, value in moments[p.name].items():
            np.testing.assert_array_equal(p.state[key], value)
    assert target.updates == 1


def test_a_file_that_does_not_fit_is_refused_by_name_and_nothing_changes(tmp_path):
    trained(out=3).save(tmp_path / "three.safetensors")
    other = trained(seed=1, out=5)
    before = values(other)
    with pytest.raises(ag.CheckpointError, match=r"'fc.weight' has shape \(4, 5\) in the graph but \(4, 3\)"):
        other.load(tmp_path / "three.safetensors")
    stored = load_file(str(tmp_path / "three.safetensors"))
    del stored["bn.batch_norm.running_var"]
    save_file(stored, str(tmp_path / "partial.safetensors"))
    same = trained(seed=1, out=3)
    kept = values(same)
    with pytest.raises(ag.CheckpointError, match="buffer 'running_var' of node 'bn.batch_norm'.*missing"):
        same.load(tmp_path / "partial.safetensors")
    after = values(other)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(np.array_equal(kept[k], v) for k, v in values(same).items())


def test_a_damaged_file_is_refused_clearly(tmp_path):
    path = tmp_path / "damaged.safetensors"
    trained().save(path)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ag.CheckpointError, match="damaged.safetensors is not a readable safetensors file"):
        trained().load(path)
    with pytest.raises(ag.CheckpointError, match="weights file .*missing.safetensors does not exist"):
        trained().load(tmp_path / "missing.safetensors")


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    trained(seed=0).save(path)
    good = path.read_bytes()
    import safetensors.numpy

    def broken(tensors, metadata=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(safetensors.numpy, "save", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        trained(seed=1).save(path)
    assert path.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def test_extras_need_a_checkpoint():
    with pytest.raises(ValueError, match="holds weights only; save extra entries to .npz"):
        trained().save("model.safetensors", extra={"epoch": 1})
