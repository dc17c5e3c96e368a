"""The adjoints of the pooling nodes, as nodes, for backward passes built of nodes.

Average pooling is linear: its backward is `AveragePoolingAdjoint`, whose
own backward is average pooling again. Max pooling sends g to the first
maximum of each window: `MaxPoolArgmax` finds those positions (h W + w in
each image's and channel's plane, recomputed from x at every pass, no
gradient), `PlaneScatter` adds g there and `PlaneGather` reads a gradient
back from them; each of the last two is the other's backward.
"""

import numpy as np

from autograd import Node

from .avg_pooling import AveragePooling
from .im2col import col2im


def _average_settings(pool):
    g = pool.geometry
    return {"kernel": g.kernel, "stride": g.stride, "padding": g.padding, "ceil_mode": pool.ceil_mode,
            "count_include_pad": pool.count_include_pad}


class AveragePoolingAdjoint(Node):
    """f = the backward of an AveragePooling `pool` applied to a, in the shape of `like` (the pooled input).

    f[n, h, w, c] = sum over the windows (i, j) covering (h, w) of a[n, i, j, c] / D_ij (see AveragePooling).
    Backward: dG/da = average pooling of g with the same settings; `like` gets none.
    """

    op = "avg_pool2d_adjoint"

    def __init__(self, a, like, pool, name=None):
        self.pool = pool
        super().__init__(a, like, name=name)

    def infer_shape(self, a, like):
        return like

    def forward(self, a, like):
        pool, (kh, kw) = self.pool, self.pool.geometry.kernel
        share = a * pool._inverse_divisors(like.shape[1], like.shape[2], a.dtype)
        out = np.zeros(like.shape, dtype=a.dtype)
        if pool._tiles(out):
            for s in pool._slices(out):
                s[...] = share
            return out
        cols = np.broadcast_to(share[:, :, :, None, :], share.shape[:3] + (kh * kw, share.shape[3]))
        cols = np.ascontiguousarray(cols).reshape(-1, kh * kw * share.shape[3])
        return pool._interior(col2im(pool.window, cols, pool._padded(out, 0).shape), like.shape)

    def backward(self, g):
        pool = self.pool
        scale = pool._inverse_divisors(g.shape[1], g.shape[2], g.dtype)
        return pool.window.windows(pool._padded(g, 0)).sum(axis=(3, 4)) * scale, None

    def vjp(self, g):
        """dG/da = AveragePooling(g) with the pool's settings."""
        return AveragePooling(g, **_average_settings(self.pool)), None


class MaxPoolArgmax(Node):
    """f = h W + w of the first maximum of each window of a MaxPooling `pool` on x (int64, shaped like its output).

    Computed from x at every pass, as PyTorch's return_indices. Backward: none.
    """

    op = "max_pool2d_argmax"
    differentiable = False

    def __init__(self, x, pool, name=None):
        self.pool = pool
        super().__init__(x, name=name)

    def infer_shape(self, x):
        return self.pool.infer_shape(x)

    def forward(self, x):
        pool = self.pool
        windows = pool.window.windows(pool._padded(x, -np.inf))  # (N, Ho, Wo, kh, kw, C)
        n, ho, wo, kh, kw, c = windows.shape
        first = windows.transpose(0, 1, 2, 5, 3, 4).reshape(n, ho, wo, c, kh * kw).argmax(axis=-1)
        return pool._plane_indices(first, x.shape)


def _plane(shape, index):
    """(batch, plane, channel) index arrays that pick entry index[n, i, j, c] of plane (n, c) of an NHWC array."""
    n, c = shape[0], shape[-1]
    return np.arange(n)[:, None, None, None], index, np.arange(c)[None, None, None, :]


class PlaneScatter(Node):
    """f = zeros like `like` (N, H, W, C) with a[n, i, j, c] added at position index[n, i, j, c] = h W + w.

    Backward: dG/da = g read at the positions (PlaneGather); the index and `like` get none.
    """

    op = "plane_scatter"

    def infer_shape(self, a, index, like):
        return like

    def forward(self, a, index, like):
        if self.keep:
            self.index = index
        n, h, w, c = like.shape
        out = np.zeros((n, h * w, c), dtype=a.dtype)
        np.add.at(out, _plane(like.shape, index), a)
        return out.reshape(like.shape)

    def backward(self, g):
        n, h, w, c = g.shape
        return g.reshape(n, h * w, c)[_plane(g.shape, self.index)], None, None

    def vjp(self, g):
        """dG/da = PlaneGather(g, index)."""
        return PlaneGather(g, self.inputs[1]), None, None


class PlaneGather(Node):
    """f[n, i, j, c] = x[n, h, w, c] at the position index[n, i, j, c] = h W + w (x NHWC).

    Backward: dG/dx = g added at the positions (PlaneScatter); the index gets none.
    """

    op = "plane_gather"

    def infer_shape(self, x, index):
        return tuple(index[:3]) + (x[3],)

    def forward(self, x, index):
        if self.keep:
            self.in_shape, self.index = x.shape, index
        n, h, w, c = x.shape
        return x.reshape(n, h * w, c)[_plane(x.shape, index)]

    def backward(self, g):
        n, h, w, c = self.in_shape
        out = np.zeros((n, h * w, c), dtype=g.dtype)
        np.add.at(out, _plane(self.in_shape, self.index), g)
        return out.reshape(self.in_shape), None

    def vjp(self, g):
        """dG/dx = PlaneScatter(g, index, like=x)."""
        return PlaneScatter(g, self.inputs[1], self.inputs[0]), None
