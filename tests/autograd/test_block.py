"""Blocks: parameters found from attributes, names unique and deterministic, reuse shares parameters."""

import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nodes as nd


class Pair(ag.Block):
    """Two Linear layers and a parameter of its own, for the tests."""

    def __init__(self, name=None, rng=None):
        super().__init__(name)
        self.first = nd.Linear(3, 4, rng=rng)
        self.second = nd.Linear(4, 2, rng=rng)
        self.scale = ag.Parameter(np.ones(2))

    def wire(self, x):
        return self.second(nd.tanh(self.first(x), name="tanh")) * self.scale


class Stack(ag.Block):
    def __init__(self, depth, name=None):
        super().__init__(name)
        self.layers = [nd.Linear(2, 2, rng=np.random.default_rng(k)) for k in range(depth)]
        self.head = nd.Linear(2, 1, name="readout", rng=np.random.default_rng(9))

    def wire(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head(x)


def test_parameters_are_found_from_attributes_and_named_by_them():
    pair = Pair(name="pair", rng=np.random.default_rng(0))
    assert [name for name, _ in pair.named_parameters()] == [  # its own first, then each sub-block's, as PyTorch
        "pair.scale", "pair.first.weight", "pair.first.bias", "pair.second.weight", "pair.second.bias",
    ]
    assert pair.parameters() == [p for _, p in pair.named_parameters()]
    assert [name for name, _ in pair.named_blocks()] == ["pair", "pair.first", "pair.second"]
    assert pair.parameter_count == 3 * 4 + 4 + 4 * 2 + 2 + 2


def test_blocks_in_a_list_are_numbered_and_a_given_name_replaces_the_attribute_s():
    stack = Stack(2, name="stack")
    assert [name for name, _ in stack.named_parameters()] == [
        "stack.layers.0.weight", "stack.layers.0.bias", "stack.layers.1.weight", "stack.layers.1.bias",
        "stack.readout.weight", "stack.readout.bias",
    ]
    graph = ag.Graph(stack(ag.Input("x", shape=(None, 2))))
    assert [n.name for n in graph.nodes if n.op == "matmul"] == [
        "stack.layers.0.matmul", "stack.layers.1.matmul", "stack.readout.matmul",
    ]
    assert graph.node("stack.layers.1.matmul").scope == ("stack", "layers", "1")


def test_unnamed_blocks_coexist_in_one_graph():
    x = ag.Input("x", shape=(None, 2))
    first, second = nd.Linear(2, 8), nd.Linear(8, 3)
    graph = ag.Graph(second(first(x)))  # used to fail: two parameters named 'linear.weight'
    names = [p.name for p in graph.parameters]
    assert len(set(names)) == 4
    assert first.name != second.name and second.name == f"{first.name.split('_')[0]}_{_suffix(first) + 1}"


def _suffix(block):
    head, _, tail = block.name.rpartition("_")
    return int(tail) if head and tail.isdigit() else 0


def test_automatic_names_are_the_same_for_the_same_construction_in_a_fresh_process():
    program = (
        "import numpy as np, autograd as ag, nodes as nd\n"
        "layers = [nd.Linear(2, 2), nd.Linear(2, 2), nd.Conv2d(1, 2, 3), nd.Linear(2, 2, name='fixed')]\n"
        "with ag.scope('encoder'):\n    layers.append(nd.Linear(2, 2))\n"
        "print(' '.join(p.name for layer in layers for p in layer.parameters()))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0].split() == [
        "linear.weight", "linear.bias", "linear_1.weight", "linear_1.bias", "conv.weight", "conv.bias",
        "fixed.weight", "fixed.bias", "encoder.linear.weight", "encoder.linear.bias",
    ]


def test_a_block_called_twice_shares_its_parameters_and_names_each_call_s_nodes():
    rng = np.random.default_rng(0)
    x = ag.Input("x", shape=(None, 3))
    y = ag.Input("y", shape=(None, 3))
    pair = Pair(name="shared", rng=rng)
    graph = ag.Graph(nd.sum(pair(x)) + nd.sum(pair(y)))
    assert len(graph.parameters) == 5  # one node per parameter, whatever the number of calls
    names = [n.name for n in graph.nodes]
    assert len(names) == len(set(names))
    assert {"shared.first.matmul", "shared#1.first.matmul", "shared.tanh", "shared#1.tanh"} <= set(names)
    assert graph.node("shared#1.second.add").inputs[1] is pair.second.bias


def test_a_reused_block_gets_the_sum_of_its_calls_addends_and_one_update():
    rng = np.random.default_rng(1)
    with ag.default_dtype(np.float64):
        xs = [ag.Input(f"x{k}", shape=(None, 3)) for k in range(3)]
        pair = Pair(name="cell", rng=rng)
    loss = nd.sum(pair(xs[0])) + nd.sum(pair(xs[1])) + nd.sum(pair(xs[2]))
    feeds = {f"x{k}": rng.standard_normal((2, 3)) for k in range(3)}
    graph = ag.Graph(loss, rule=ag.SGD(lr=0.1))
    graph.forward(feeds)
    graph.backward(update=False, keep_addends=True)
    weight = pair.first.weight
    consumers = [n for n in graph.nodes if weight in n.inputs]
    assert len(consumers) == 3
    np.testing.assert_allclose(weight.grad, sum(c.addends[1] for c in consumers), rtol=1e-12)
    before = weight.value.copy()
    graph.forward(feeds)
    graph.backward()
    np.testing.assert_allclose(weight.value, before - 0.1 * weight.grad, rtol=1e-12)  # one step, the whole sum


def test_a_reused_block_s_gradient_checks():
    def build(x):
        pair = Pair(name="tied", rng=np.random.default_rng(2))
        return nd.sum(pair(x) * pair(x * 2.0))

    assert ag.check_node(build, np.random.default_rng(3).standard_normal((2, 3))).ok


def test_calls_inside_another_call_are_named_in_it():
    stack = Stack(1, name="outer")
    x = ag.Input("x", shape=(None, 2))
    graph = ag.Graph(stack(stack(x * 1.0)[:, [0, 0]]))  # the whole stack twice: the inner layers once per call
    matmuls = sorted(n.name for n in graph.nodes if n.op == "matmul")
    assert matmuls == ["outer#1.layers.0.matmul", "outer#1.readout.matmul",
                       "outer.layers.0.matmul", "outer.readout.matmul"]


def test_freeze_and_unfreeze_reach_every_parameter_of_the_block():
    pair = Pair(name="frozen_pair")
    pair.first.freeze()
    assert [p.frozen for p in pair.parameters()] == [False, True, True, False, False]
    pair.freeze()
    assert all(p.frozen for p in pair.parameters())
    pair.unfreeze()
    assert not any(p.frozen for p in pair.parameters())


def test_a_parameter_shared_by_two_blocks_is_listed_once_under_its_owner_s_name():
    class Tied(ag.Block):
        def __init__(self):
            super().__init__("tied_pair")
            self.encoder = nd.Linear(3, 3)
            self.decoder = nd.Linear(3, 3)
            self.decoder.weight = self.encoder.weight  # weight tying

    tied = Tied()
    names = [name for name, _ in tied.named_parameters()]
    assert names.count("tied_pair.encoder.weight") == 1 and "tied_pair.decoder.weight" not in names
    assert len(names) == 3


def test_a_block_appended_to_a_list_after_assignment_is_still_named_in_its_parent():
    stack = Stack(1, name="grown")
    stack.layers.append(nd.Linear(2, 2))
    assert "grown.layers.1.weight" in [name for name, _ in stack.named_parameters()]


def test_a_block_that_keeps_a_reference_to_its_parent_does_not_adopt_it():
    outer = Stack(1, name="holder")
    outer.layers[0].back = outer  # not a child: a loop would make the names endless
    assert outer.name == "holder" and outer.layers[0].name == "holder.layers.0"


@pytest.mark.parametrize("bad", ["", "a/b", 3])
def test_bad_block_names_are_refused(bad):
    with pytest.raises(ValueError, match="a block name must be a non-empty string"):
        nd.Linear(2, 2, name=bad)
