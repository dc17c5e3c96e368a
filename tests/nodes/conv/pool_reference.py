"""Pooling as PyTorch's documentation defines it, by loops over windows, for the pooling tests.

Window (i, j) starts at (i s - p, j s - p); padding counts as -inf for max
pooling and as 0 for average pooling; the average's divisor counts the
window inside the padded input, or inside the input without
count_include_pad. Nothing here shares code with the nodes.
"""

import numpy as np

from autograd import Graph, Input, default_dtype


def out_size(size, k, s, p, d, ceil):
    """PyTorch's documented output size, with the rule that the last window starts inside the input or padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def reference_max(x, k, s, p, d, ceil):
    n, h, w, c = x.shape
    ho, wo = out_size(h, k, s, p, d, ceil), out_size(w, k, s, p, d, ceil)
    y, idx = np.full((n, ho, wo, c), -np.inf), np.zeros((n, ho, wo, c), dtype=np.int64)
    for i in range(ho):
        for j in range(wo):
            for a in range(k):
                for b in range(k):
                    r, q = i * s - p + a * d, j * s - p + b * d
                    if 0 <= r < h and 0 <= q < w:
                        better = x[:, r, q] > y[:, i, j]  # strictly greater: the first maximum stays
                        y[:, i, j] = np.where(better, x[:, r, q], y[:, i, j])
                        idx[:, i, j] = np.where(better, r * w + q, idx[:, i, j])
    return y, idx


def reference_avg(x, k, s, p, ceil, count_include_pad):
    n, h, w, c = x.shape
    ho, wo = out_size(h, k, s, p, 1, ceil), out_size(w, k, s, p, 1, ceil)
    y = np.zeros((n, ho, wo, c))
    for i in range(ho):
        for j in range(wo):
            r0, q0 = i * s - p, j * s - p
            r1, q1 = min(r0 + k, h + p), min(q0 + k, w + p)
            size = (r1 - r0) * (q1 - q0)
            r0, q0, r1, q1 = max(r0, 0), max(q0, 0), min(r1, h), min(q1, w)
            total = x[:, r0:r1, q0:q1].sum(axis=(1, 2))
            y[:, i, j] = total / (size if count_include_pad else (r1 - r0) * (q1 - q0))
    return y


def forward(node_of, x):
    """The values of node_of(x) (a node or a tuple of nodes), in float64, checked against their wired shapes."""
    with default_dtype(np.float64):
        xi = Input("x", shape=(None,) + x.shape[1:])
        out = node_of(xi)
    roots = out if isinstance(out, tuple) else (out,)
    static = [r.shape for r in roots]
    values = Graph(*roots).forward(x=x)
    values = values if isinstance(values, tuple) else (values,)
    for shape, value in zip(static, values, strict=True):  # the wired shape is the computed one
        assert shape[1:] == value.shape[1:]
    return values
