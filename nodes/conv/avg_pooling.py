"""Average pooling over NHWC images, with PyTorch's ceil mode and count_include_pad, and its adjoint as a node.

Average pooling is linear: its backward is `AveragePoolingAdjoint`, whose own backward is average pooling again.
"""

import numpy as np

from autograd import Node
from nodes.common.layout import from_nhwc, to_nhwc

from .im2col import col2im
from .pooling import Pooling


class AveragePooling(Pooling):
    """f[n, i, j, c] = mean of x over the window of (i, j), as PyTorch's AvgPool2d.

    The sum over the window (padding counts as 0) is divided by D_ij: with
    count_include_pad=True (the default) the number of the window's
    positions inside the padded input, kh kw except where ceil mode lets a
    window overhang it; with count_include_pad=False the number inside the
    unpadded input. D_ij = R_i C_j, its rows times its columns.
    Backward: dG/dx gets g[n, i, j, c] / D_ij at every position of each
    window inside the input (overlapping windows add; padding gets nothing).
    """

    op = "avg_pool2d"

    def __init__(self, x, kernel, stride=None, padding=0, ceil_mode=False, count_include_pad=True, name=None):
        self.count_include_pad = bool(count_include_pad)
        self._divisor_cache = {}
        super().__init__(x, kernel, stride=stride, padding=padding, ceil_mode=ceil_mode, name=name)

    def _inverse_divisors(self, h, w, dtype):
        """1 / D as a (Ho, Wo, 1) array of `dtype`, or a number when every window has kh kw positions."""
        key = (h, w, dtype)
        if key not in self._divisor_cache:
            g = self.geometry
            rows, cols = (self._counts(n, k, s, p, out) for n, k, s, p, out in
                          zip((h, w), g.kernel, g.stride, g.padding, self.out_hw(h, w), strict=True))
            divisors = np.multiply.outer(rows, cols)
            kh, kw = g.kernel
            uniform = np.all(divisors == kh * kw)
            self._divisor_cache[key] = dtype.type(1.0 / (kh * kw)) if uniform else (1.0 / divisors[:, :, None]).astype(
                dtype)
        return self._divisor_cache[key]

    def _counts(self, size, kernel, stride, padding, out):
        """Along one axis: how many positions of each window D counts."""
        starts = np.arange(out) * stride - padding
        ends = np.minimum(starts + kernel, size + padding)  # clipped to the padded input (ceil mode's overhang)
        if self.count_include_pad:
            return ends - starts
        return np.minimum(ends, size) - np.maximum(starts, 0)

    def forward(self, x):
        self._check_fits(x)
        scale = self._inverse_divisors(x.shape[1], x.shape[2], x.dtype)
        if self._tiles(x):
            slices = self._slices(x)
            f = slices[0].copy()
            for s in slices[1:]:
                f += s
            f *= scale
            if self.keep:
                self.in_shape, self.used_tiles, self.scale = x.shape, True, scale
            return f
        xp = self._padded(x, 0)
        f = self.window.windows(xp).sum(axis=(3, 4))
        f *= scale
        if self.keep:
            self.in_shape, self.padded_shape, self.used_tiles, self.scale = x.shape, xp.shape, False, scale
        return f

    def backward(self, g):
        kh, kw = self.geometry.kernel
        share = g * self.scale
        if self.used_tiles:
            gx = np.zeros(self.in_shape, dtype=g.dtype)
            for s in self._slices(gx):
                s[...] = share
            return (gx,)
        cols = np.broadcast_to(share[:, :, :, None, :], share.shape[:3] + (kh * kw, share.shape[3]))
        cols = np.ascontiguousarray(cols).reshape(-1, kh * kw * share.shape[3])
        return (self._interior(col2im(self.window, cols, self.padded_shape), self.in_shape),)

    def vjp(self, g):
        """dG/dx = AveragePoolingAdjoint(g, like=x): this backward as a node, whose backward is this pooling."""
        return (AveragePoolingAdjoint(g, self.inputs[0], self),)


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


def avg_pool2d(x, kernel, stride=None, padding=0, ceil_mode=False, count_include_pad=True, layout="NHWC", name=None):
    """Average pooling of `x`, as PyTorch's avg_pool2d; `stride` defaults to `kernel` (see AveragePooling).

    `layout` is "NHWC" (the default, faster) or PyTorch's "NCHW" (see nodes.common.layout).
    """
    pool = AveragePooling(to_nhwc(x, layout), kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
                          count_include_pad=count_include_pad, name=name)
    return from_nhwc(pool, layout)
