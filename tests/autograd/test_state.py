"""State dicts of blocks: keys relative to the block, whole-state checks, hooks, nothing changed by a misfit."""

import numpy as np
import pytest

import autograd as ag
from autograd import state as st


class Scale(ag.Block):
    """A block of the engine alone: one parameter, one buffer, a sub-block, and a hook for a made-up layout."""

    def __init__(self, name=None, inner=True):
        super().__init__(name)
        self.scale = ag.Parameter(np.arange(3.0))
        self.counts = {"seen": np.zeros(2)}
        if inner:
            self.inner = Scale(inner=False)

    def own_buffers(self):
        return {"counts.seen": self.counts["seen"]}

    def export_state(self, state, layout):
        return st.rename_prefixes(st.rename_keys(state, {"scale": "weight"}), {"inner": "child"})

    def import_state(self, state, layout):
        return st.rename_prefixes(st.rename_keys(state, {"weight": "scale"}), {"child": "inner"})


def test_keys_are_relative_to_the_block_and_arrays_are_copies():
    block = Scale(name="outer")
    state = block.state_dict()
    assert list(state) == ["scale", "counts.seen", "inner.scale", "inner.counts.seen"]
    state["scale"][0] = 99.0
    assert block.scale.value[0] == 0.0


def test_the_hook_renames_in_another_layout_and_loading_inverts_it():
    block = Scale(name="outer")
    assert sorted(block.state_dict(layout="torch")) == ["child.counts.seen", "child.weight", "counts.seen", "weight"]
    state = {"weight": np.ones(3), "counts.seen": np.full(2, 5.0), "child.weight": np.full(3, 2.0),
             "child.counts.seen": np.full(2, 7.0)}
    block.load_state_dict(state, layout="torch")
    np.testing.assert_array_equal(block.inner.scale.value, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(block.counts["seen"], [5.0, 5.0])
    np.testing.assert_array_equal(block.inner.counts["seen"], [7.0, 7.0])


def test_values_are_written_in_place_in_the_parameters_dtype():
    with ag.default_dtype(np.float32):
        block = Scale(name="b", inner=False)
    value = block.scale.value
    block.load_state_dict({"scale": np.array([1, 2, 3], dtype=np.float64), "counts.seen": np.zeros(2)})
    assert block.scale.value is value and value.dtype == np.float32


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("inner.scale"), r"missing 'inner.scale'; not expected none"),
        (lambda s: s.update(extra=np.zeros(1)), r"missing none; not expected 'extra'"),
        (lambda s: s.update(scale=np.zeros(4)), r"tensor 'scale' has shape \(4,\), expected \(3,\)"),
        (lambda s: s.update(scale=np.arange(3)), r"tensor 'scale' is int64, expected a float array"),
    ],
)
def test_a_state_that_does_not_fit_is_refused_by_name_and_nothing_changes(change, message):
    block = Scale(name="outer")
    state = {k: v + 1 for k, v in block.state_dict().items()}
    change(state)
    before = block.state_dict()
    with pytest.raises(st.StateError, match=message):
        block.load_state_dict(state)
    after = block.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert isinstance(st.StateError("x"), ag.CheckpointError)


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout 'keras'; choose one of 'nodegrad', 'torch'"):
        Scale().state_dict(layout="keras")


def test_several_top_level_blocks_are_keyed_by_their_full_names():
    with ag.scope("net"):
        a, b = Scale(name="a", inner=False), Scale(name="b", inner=False)
    state = st.group_state_dict([a, b])
    assert sorted(state) == ["net.a.counts.seen", "net.a.scale", "net.b.counts.seen", "net.b.scale"]
    state["net.b.scale"] = np.full(3, 4.0)
    st.load_group_state_dict([a, b], state)
    np.testing.assert_array_equal(b.scale.value, [4.0, 4.0, 4.0])
    assert st.root_blocks([b.scale, a.scale, b.scale]) == [b, a]
    with pytest.raises(st.StateError, match="parameter 'loose' belongs to no block"):
        st.root_blocks([ag.Parameter(np.zeros(1), name="loose")])


def test_rename_prefixes_changes_the_first_part_only():
    renamed = st.rename_prefixes({"ln1.gamma": 1, "ln1": 2, "ln10.gamma": 3, "x.ln1": 4}, {"ln1": "norm1"})
    assert renamed == {"norm1.gamma": 1, "norm1": 2, "ln10.gamma": 3, "x.ln1": 4}
