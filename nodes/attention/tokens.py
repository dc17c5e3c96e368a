"""Moving between token tensors (N, T, D) and row matrices (N*T, D).

numpy's matmul of an (N, T, D) stack by a (D, E) matrix loops over N small
products; the same product on the (N*T, D) rows is one BLAS call, about
twice as fast at transformer sizes. The blocks therefore run their Linear
layers on rows and keep the token axis only where attention needs it. Both
reshapes are views: they cost no copy.
"""

from autograd import ShapeError
from autograd.errors import static_shape
from nodes.array.reshape import reshape


def token_count(x, dim, tokens=None):
    """T for tokens x of shape (N, T, dim): `tokens` if given, else read from x's static shape.

    Static shapes are not always known (a reshape of (N*T, D) rows cannot
    tell T), so callers that know T pass it; a mismatch with a known static
    shape, or a width other than `dim`, raises ShapeError.
    """
    shape = x.shape
    if shape is not None:
        if len(shape) != 3:
            raise ShapeError(f"expects tokens of shape (N, T, {dim}), got {static_shape(shape)}")
        if shape[2] is not None and shape[2] != dim:
            raise ShapeError(f"expects tokens of width {dim}, got shape {static_shape(shape)}")
        if tokens is not None and shape[1] not in (None, tokens):
            raise ShapeError(f"told {tokens} tokens, but the input has shape {static_shape(shape)}")
        tokens = tokens if tokens is not None else shape[1]
    if tokens is None:
        raise ShapeError(
            f"needs the token count T of its (N, T, {dim}) input: pass tokens=T, or declare "
            "the input's shape, e.g. Input('x', shape=(None, T, D))"
        )
    return tokens


def to_rows(x, dim, name="rows"):
    """(N, T, dim) -> (N*T, dim)."""
    return reshape(x, (-1, dim), name=name)


def to_tokens(rows, tokens, dim, name="tokens"):
    """(N*T, dim) -> (N, T, dim)."""
    node = reshape(rows, (-1, tokens, dim), name=name)
    if node.shape is None:
        # The reshape's own inference may not tell that a target (-1, T, dim)
        # fixes T and dim; we know it, and the next block reads T from here.
        node.shape = (None, tokens, dim)
    return node
