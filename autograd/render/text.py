"""Words on the diagram: shapes with N for the batch axis, numbers, parameter counts."""

import math

import numpy as np

from ..errors import static_shape
from ..node import Constant
from ..parameter import Parameter


def batch_sizes(nodes):
    """First-axis lengths of the fed inputs whose declared batch axis is None."""
    sizes = set()
    for n in nodes:
        if n.is_leaf and not isinstance(n, (Parameter, Constant)) and n.value is not None:
            declared = n.shape
            if np.ndim(n.value) and (declared is None or declared and declared[0] is None):
                sizes.add(n.value.shape[0])
    return sizes


def batch_axis(length, batch):
    """The leading axis of a batch-dependent tensor, told relative to the batch size.

    None (drawn N) when it is the batch size; 'N·16' when it holds 16 rows
    per example (a (N, 16, 64) tensor reshaped to rows); 'N/2' when two
    examples share a row; the plain length when it is none of these.
    """
    if not batch or length in batch:
        return None
    for b in sorted(batch):
        if b and length % b == 0:
            return f"N·{length // b}"
    for b in sorted(batch):
        if length and b % length == 0:
            return f"N/{b // length}"
    return length


def shape_of(node, batch=frozenset()):
    """The node's shape as a tuple, or None if unknown.

    A dimension is an int, None for the batch axis (N), '?' for an unknown
    axis, or a string such as 'N·16' for a leading axis that is a multiple of
    the batch. The static shape (where None marks a batch-dependent axis)
    gives the structure; after a forward pass the value tells what each
    batch-dependent axis really is, so a (N, 16, 64) tensor reshaped to rows
    reads (N·16, 64) rather than a misleading (N, 64). Without a static
    shape, the value's first axis is the batch when its length is the fed
    batch size (or no batch size is known).
    """
    value = node.value
    vshape = None if value is None else tuple(np.shape(value))
    static = node.shape
    if static is not None:
        static = tuple(static)
        if None not in static:
            return static
        if vshape is None or len(vshape) != len(static):
            return (static[:1] + tuple("?" if d is None else d for d in static[1:])) if static else static
        lead = () if not static else (static[0] if static[0] is not None else batch_axis(vshape[0], batch),)
        return lead + tuple(v if d is None else d for d, v in zip(static[1:], vshape[1:]))
    if vshape is None:
        return None
    if vshape and not isinstance(node, (Parameter, Constant)) and (not batch or vshape[0] in batch):
        return (None,) + vshape[1:]
    return vshape


def format_shape(shape):
    """(None, 784) -> '(N, 784)'; () -> 'scalar'; unknown -> '?'."""
    if shape is None:
        return "?"
    if not shape:
        return "scalar"
    return static_shape(shape)


def number(x):
    """A compact number: 3 significant digits, scientific when far from 1."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)  # 'nan', 'inf', '-inf'
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    return f"{x:.2e}"


def count(n):
    """12345 -> '12,345'."""
    return f"{int(n):,}"


def small_array(a, limit):
    """The numbers of a small array, or None when it has more than `limit` entries."""
    a = np.asarray(a)
    if a.size > limit:
        return None
    if a.ndim == 0:
        return number(a)
    return "[" + " ".join(number(v) for v in a.reshape(-1)) + "]"
