"""Small problems the evolution trainers' tests share: XOR, two interleaved spirals, and MLPs to solve them."""

import dataclasses

import numpy as np

import autograd as ag
import nodes as nd


def xor():
    """The four corners of the unit square, labelled by the XOR of their coordinates."""
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32), np.array([0, 1, 1, 0])


def spirals(per_class=100, turns=1.5, seed=0):
    """Two interleaved spirals in the plane (each the other turned by half a turn), `per_class` points each."""
    rng = np.random.default_rng(seed)
    angle = np.sqrt(rng.random(per_class)) * turns * 2 * np.pi  # denser towards the centre's few points
    radius = angle / (turns * 2 * np.pi)
    arm = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return np.concatenate([arm, -arm]).astype(np.float32), np.repeat([0, 1], per_class)


@dataclasses.dataclass
class Classifier:
    """An MLP with tanh between its layers, its softmax cross-entropy loss and the training graph."""

    x: ag.Input
    y: ag.Input
    logits: ag.Node
    graph: ag.Graph

    def feeds(self, points, classes):
        return {self.x: points, self.y: classes}

    def accuracy(self, points, classes):
        predicted = ag.Graph(self.logits).forward({self.x: points}, grad=False).argmax(axis=1)
        return float(np.mean(predicted == classes))


def classifier(widths, seed=0, rule=None, extra=None):
    """An MLP of `widths` (in, hidden..., classes); `extra(h)` may wrap the logits (e.g. with a failing node)."""
    rng = np.random.default_rng(seed)
    x = ag.Input("x", shape=(None, widths[0]))
    y = ag.Input("y", shape=(None,), dtype=np.int64)
    h = x
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:]), start=1):
        h = nd.Linear(n_in, n_out, name=f"fc{i}", init="xavier", rng=rng)(h)
        if i < len(widths) - 1:
            h = nd.tanh(h, name=f"tanh{i}")
    logits = extra(h) if extra is not None else h
    loss = nd.softmax_cross_entropy(logits, y, name="loss")
    return Classifier(x, y, logits, ag.Graph(loss, rule=rule or ag.Adam(lr=0.05)))


class Failing(ag.Node):
    """Passes its input through, and raises `error` at the forward passes whose numbers are in `at` (from 1)."""

    op = "failing"

    def __init__(self, x, error=RuntimeError, at=()):
        self.error, self.at, self.calls = error, set(at), 0
        super().__init__(x, name="failing")

    def infer_shape(self, shape):
        return shape

    def forward(self, x):
        self.calls += 1
        if self.calls in self.at:
            raise self.error(f"forward pass {self.calls} fails on purpose")
        return x

    def backward(self, g):
        return (g,)


class Recording:
    """An evaluator that keeps a copy of every member it evaluates before handing them on to `inner`."""

    def __init__(self, inner, vector):
        self.inner, self.vector, self.seen = inner, vector, []

    def __call__(self, members, feeds):
        count = len(next(iter(members.values())))
        for i in range(count):
            self.seen.append(np.concatenate([members[p][i].ravel() for p in self.vector.parameters]))
        return self.inner(members, feeds)
