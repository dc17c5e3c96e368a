"""Embedding lookups: rows of a learned table picked by integer indices.

`Embedding` turns token ids into vectors; `PositionalEmbedding` adds one
learned vector per position to a sequence of token vectors.
"""

import numpy as np

from autograd import Block, Node, Parameter, ShapeError
from autograd.errors import static_shape
from autograd.state import rename_keys
from nodes.math.arithmetic import add


class EmbeddingLookup(Node):
    """f[n, t] = table[indices[n, t]] for integer indices of any shape.

    Output shape: indices.shape + (D,) for a table of shape (V, D).
    Backward: dG/dtable = sum over every position p with indices[p] = v of
    g[p], scattered with np.add.at so that repeated indices accumulate (a
    plain fancy assignment would keep only the last one). Indices get no
    gradient.
    """

    op = "embedding"

    def infer_shape(self, indices, table):
        if len(table) != 2:
            raise ShapeError(f"the table must be (vocab, dim), got {static_shape(table)}")
        return tuple(indices) + (table[1],)

    def forward(self, indices, table):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"embedding indices must be integers, got {indices.dtype}")
        if indices.size and (indices.min() < 0 or indices.max() >= table.shape[0]):
            raise ValueError(
                f"embedding indices must lie in [0, {table.shape[0]}), "
                f"got values from {indices.min()} to {indices.max()}"
            )
        if self.keep:
            self.indices, self.table_shape, self.dtype = indices, table.shape, table.dtype
        return table[indices]

    def backward(self, g):
        if not self.needs[1]:
            return None, None
        grad = np.zeros(self.table_shape, dtype=self.dtype)
        np.add.at(grad, self.indices.reshape(-1), g.reshape(-1, self.table_shape[1]))
        return None, grad

    def vjp(self, g):
        """dG/dtable = g's rows added into zeros like the table at the indices (an EmbeddingScatter node)."""
        indices, table = self.inputs
        return None, EmbeddingScatter(g, indices, table)


class EmbeddingScatter(Node):
    """f = zeros like `like` (V, D) with the rows of a (indices.shape + (D,)) added at `indices`: the lookup's adjoint.

    Backward: dG/da = g[indices] (an EmbeddingLookup of g); indices and `like` get none.
    """

    op = "embedding_scatter"

    def infer_shape(self, a, indices, like):
        return like

    def forward(self, a, indices, like):
        if self.keep:
            self.indices = indices
        out = np.zeros(like.shape, dtype=a.dtype)
        np.add.at(out, indices.reshape(-1), a.reshape(-1, like.shape[1]))
        return out

    def backward(self, g):
        return g[self.indices], None, None

    def vjp(self, g):
        """dG/da = the rows of g at the indices."""
        return EmbeddingLookup(self.inputs[1], g), None, None


def embedding(indices, table, name=None):
    """Rows of `table` (V, D) picked by integer `indices` (N, T): shape (N, T, D)."""
    return EmbeddingLookup(indices, table, name=name)


class Embedding(Block):
    """A learned lookup table: `Embedding(vocab, dim, name)(indices)` -> (..., dim).

    Parameter `<name>.table` (vocab, dim), drawn from N(0, std^2) (std 1 as
    usual for embeddings: there is no fan-in to scale by); calling it wires
    the node `<name>.lookup`.

    PyTorch: `nn.Embedding(vocab, dim)`, whose `weight` is the table.
    """

    default_name = "embedding"

    def __init__(self, vocab, dim, name=None, std=1.0, rng=None):
        super().__init__(name)
        rng = rng if rng is not None else np.random.default_rng()
        self.vocab, self.dim = vocab, dim
        self.table = Parameter(rng.standard_normal((vocab, dim)) * std)

    def wire(self, indices):
        """The rows of the table picked by `indices`."""
        return embedding(indices, self.table, name="lookup")

    def export_state(self, state, layout):
        """The table as nn.Embedding's weight."""
        return rename_keys(state, {"table": "weight"}) if layout == "torch" else state

    def import_state(self, state, layout):
        """nn.Embedding's weight as the table."""
        return rename_keys(state, {"weight": "table"}) if layout == "torch" else state

    def __repr__(self):
        return f"Embedding({self.vocab}, {self.dim}, name={self.name!r})"


class PositionalEmbedding(Block):
    """Learned positions: `PositionalEmbedding(length, dim, name)(x)` = x + P for x (N, T, dim).

    Parameter `<name>.positions` (length, dim), small normal values (std
    0.02) so that the positions start as a mild perturbation of the tokens.
    The add broadcasts P over the batch; the engine sums its addend over the
    batch axis, which is dG/dP. A sequence shorter than `length` is not
    supported: T must equal `length`.

    PyTorch has no module of its own for this; the layout "torch" takes an
    `nn.Embedding(length, dim)` whose whole `weight` is added to the tokens
    (x + positions.weight), as learned positions usually are.
    """

    default_name = "positions"

    def __init__(self, length, dim, name=None, std=0.02, rng=None):
        super().__init__(name)
        rng = rng if rng is not None else np.random.default_rng()
        self.length, self.dim = length, dim
        self.positions = Parameter(rng.standard_normal((length, dim)) * std)

    def wire(self, x):
        """x + positions."""
        return add(x, self.positions, name="add")

    def export_state(self, state, layout):
        """The positions as an nn.Embedding's weight."""
        return rename_keys(state, {"positions": "weight"}) if layout == "torch" else state

    def import_state(self, state, layout):
        """An nn.Embedding's weight as the positions."""
        return rename_keys(state, {"weight": "positions"}) if layout == "torch" else state

    def __repr__(self):
        return f"PositionalEmbedding({self.length}, {self.dim}, name={self.name!r})"
