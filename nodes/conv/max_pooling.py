"""Max pooling over NHWC images, with PyTorch's dilation, ceil mode and indices of the maxima; its adjoint as nodes.

For backward passes built of nodes, max pooling sends g to the first
maximum of each window: `MaxPoolArgmax` finds those positions (h W + w in
each image's and channel's plane, recomputed from x at every pass, no
gradient), `PlaneScatter` adds g there and `PlaneGather` reads a gradient
back from them; each of the last two is the other's backward.
"""

import numpy as np

from autograd import Node
from autograd.compiled import choose, supports
from nodes.common.layout import from_nhwc, to_nhwc

from . import max_pool_kernels
from .im2col import col2im
from .pooling import Pooling


class MaxPooling(Pooling):
    """f[n, i, j, c] = max of x over the window of (i, j), as PyTorch's MaxPool2d.

    Window (i, j) reads x[n, i s_h - p_h + a d_h, j s_w - p_w + b d_w, c] for
    kernel offsets (a, b), with stride s, padding p (which counts as -inf)
    and dilation d; `ceil_mode` rounds the output size up (see
    `pool_output_size`). With `indices=True` the node also sets
    `self.indices` at every forward pass: for each output, the position
    h W + w of its maximum in the unpadded (H, W) plane of its image and
    channel, int64, as PyTorch's return_indices (`max_pool2d(...,
    return_indices=True)` wires a node that outputs them).
    Backward: dG/dx gets g[n, i, j, c] at ONE position of each window: the
    first maximum in row-major order within the window (the convention of
    PyTorch), so ties do not duplicate the gradient; overlapping windows add.
    Windows that tile the image (kernel = stride, no padding or dilation)
    of at most 256 offsets, on float32 or float64, take a compiled kernel
    where numba is installed (`kernels`, see autograd.compiled; the same
    values and gradients as numpy's path, NaN and infinities included).
    """

    op = "max_pool2d"

    def __init__(self, x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, indices=False, kernels=None,
                 name=None):
        self.want_indices = bool(indices)
        self.indices = None
        self.kernels = choose(kernels, "max_pool2d")
        super().__init__(x, kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
                         name=name)

    def forward(self, x):
        self._check_fits(x)
        if self._tiles(x) and not self.want_indices:
            if (self.kernels == "numba" and supports(x)
                    and np.prod(self.geometry.kernel) <= max_pool_kernels.MAX_WINDOW):
                return self._forward_compiled(x)
            return self._forward_tiled(x)
        xp = self._padded(x, -np.inf)
        windows = self.window.windows(xp)  # (N, Ho, Wo, kh, kw, C)
        n, ho, wo, kh, kw, c = windows.shape
        flat = windows.transpose(0, 1, 2, 5, 3, 4).reshape(n, ho, wo, c, kh * kw)
        first = flat.argmax(axis=-1)  # argmax returns the first maximum: the tie convention
        f = np.take_along_axis(flat, first[..., None], axis=-1)[..., 0]
        if self.want_indices:
            self.indices = self._plane_indices(first, x.shape)
        if self.keep:
            self.first, self.padded_shape, self.in_shape, self.used_tiles = first, xp.shape, x.shape, False
        return f

    def _plane_indices(self, first, shape):
        """h W + w of each window's maximum, from its offset `first` = a kw + b within the window."""
        g = self.geometry
        (sh, sw), (ph, pw), (dh, dw) = g.stride, g.padding, g.dilation
        a, b = np.divmod(first, g.kernel[1])
        ho, wo = first.shape[1:3]
        rows = (np.arange(ho) * sh - ph)[None, :, None, None] + a * dh
        cols = (np.arange(wo) * sw - pw)[None, None, :, None] + b * dw
        return (rows * shape[2] + cols).astype(np.int64)

    def _forward_compiled(self, x):
        (kh, kw) = self.geometry.kernel
        f, first = max_pool_kernels.tiled_forward(np.ascontiguousarray(x), kh, kw)
        if self.keep:
            self.first, self.in_shape, self.used_tiles = first, x.shape, "compiled"
        return f

    def _forward_tiled(self, x):
        if not self.keep:  # inference: the maximum of the kh*kw strided slices, nothing kept
            slices = self._slices(x)
            f = np.maximum(slices[0], slices[1]) if len(slices) > 1 else slices[0].copy()
            for s in slices[2:]:
                np.maximum(f, s, out=f)
            return f
        # Training: one transposing copy puts the window offsets first,
        # (kh*kw, N, Ho, Wo, C), so the maximum here and the comparisons in
        # backward run on contiguous blocks. On NHWC slices every numpy loop
        # runs over only C contiguous values, which made the backward about
        # twice as slow (LeNet sizes, 8 and 16 channels).
        blocks = self._offsets_first(x)
        f = np.maximum(blocks[0], blocks[1]) if len(blocks) > 1 else blocks[0].copy()
        for block in blocks[2:]:
            np.maximum(f, block, out=f)
        self.blocks, self.f, self.in_shape, self.used_tiles = blocks, f, x.shape, True
        return f

    def _offsets_first(self, x):
        """x (N, H, W, C) as a contiguous (kh*kw, N, Ho, Wo, C): block k holds kernel offset k of every window."""
        (kh, kw), (ho, wo) = self.geometry.kernel, self.out_hw(x.shape[1], x.shape[2])
        n, c = x.shape[0], x.shape[3]
        tiles = x[:, : ho * kh, : wo * kw].reshape(n, ho, kh, wo, kw, c)  # rows and columns no window covers dropped
        return np.ascontiguousarray(tiles.transpose(2, 4, 0, 1, 3, 5)).reshape(kh * kw, n, ho, wo, c)

    def backward(self, g):
        if self.used_tiles == "compiled":
            (kh, kw), (_, h, w, _) = self.geometry.kernel, self.in_shape
            return (max_pool_kernels.tiled_backward(np.ascontiguousarray(g), self.first, h, w, kh, kw),)
        if self.used_tiles:
            return (self._backward_tiled(g),)
        kh, kw = self.geometry.kernel
        cols = np.zeros(g.shape + (kh * kw,), dtype=g.dtype)
        np.put_along_axis(cols, self.first[..., None], g[..., None], axis=-1)
        # col2im expects rows in (a, b, c) order.
        n, ho, wo, c, _ = cols.shape
        cols = cols.reshape(n * ho * wo, c, kh * kw).transpose(0, 2, 1)
        return (self._interior(col2im(self.window, cols, self.padded_shape), self.in_shape),)

    def vjp(self, g):
        """dG/dx = PlaneScatter(g, MaxPoolArgmax(x), like=x): g added at each window's first maximum."""
        x = self.inputs[0]
        return (PlaneScatter(g, MaxPoolArgmax(x, self), x),)

    def _backward_tiled(self, g):
        blocks, f, (n, h, w, c) = self.blocks, self.f, self.in_shape
        (kh, kw), (ho, wo) = self.geometry.kernel, f.shape[1:3]
        covered = h == ho * kh and w == wo * kw
        gx = np.empty(self.in_shape, dtype=g.dtype) if covered else np.zeros(self.in_shape, dtype=g.dtype)
        windows = gx[:, : ho * kh, : wo * kw].reshape(n, ho, kh, wo, kw, c)  # a view: writes land in gx
        # The first maximum of each window as a mask in the contiguous
        # offsets-first layout: offset k keeps its hit only where no earlier
        # offset (row-major) held the maximum (bool k > taken is k and not
        # taken). Then ONE multiply writes g through the mask into gx.
        # Measured at the speedrun's conv1 (128x24x24x16 float32), this took
        # the backward from about 1.73 to 1.25 ms against writing each
        # offset's piece of g through a strided view; bool-float products,
        # where() and masked copies on the contiguous blocks each measured
        # slower than this one strided multiply.
        first = np.equal(blocks, f)
        finite = not np.isnan(f).any() and np.isfinite(g).all()
        if not finite:  # a NaN is its window's maximum; g reaches only the first one, as in the windows path
            first |= np.isnan(blocks) & np.isnan(f)
        taken = first[0].copy()
        for k in range(1, len(blocks)):
            np.greater(first[k], taken, out=first[k])
            if k + 1 < len(blocks):
                taken |= first[k]
        first = first.reshape(kh, kw, n, ho, wo, c).transpose(2, 3, 0, 4, 1, 5)
        if finite:
            np.multiply(first, g[:, :, None, :, None, :], out=windows)
        else:  # 0, not 0 * inf = NaN, where a window's maximum is not
            np.copyto(windows, np.where(first, g[:, :, None, :, None, :], 0))
        return gx


class MaxPoolIndices(Node):
    """The positions of the maxima found by a MaxPooling node built with indices=True, as its `indices`.

    f = pool.indices: int64, shaped like the pooled output; each entry is
    h W + w, the maximum's position in the unpadded (H, W) plane of its
    image and channel (PyTorch's return_indices). Backward: none; indices
    are not differentiable.
    """

    op = "max_pool2d_indices"
    differentiable = False

    def __init__(self, pool, name=None):
        if not (isinstance(pool, MaxPooling) and pool.want_indices):
            raise TypeError("max_pool2d_indices needs a MaxPooling node built with indices=True")
        super().__init__(pool, name=name)

    def infer_shape(self, pooled):
        return pooled

    def forward(self, pooled):
        return self.inputs[0].indices

    def backward(self, g):  # pragma: no cover - the engine never asks a non-differentiable node
        return (None,)


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


def max_pool2d(x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False,
               layout="NHWC", kernels=None, name=None):
    """Max pooling of `x`, as PyTorch's max_pool2d; `stride` defaults to `kernel` (see MaxPooling).

    With `return_indices` it returns (pooled, indices): two nodes, the
    second giving each maximum's position h W + w in its (H, W) plane.
    `layout` is "NHWC" (the default, faster) or PyTorch's "NCHW", for x,
    the output and the indices (see nodes.common.layout). `kernels` chooses
    numpy's or the compiled path (see MaxPooling).
    """
    pool = MaxPooling(to_nhwc(x, layout), kernel, stride=stride, padding=padding, dilation=dilation,
                      ceil_mode=ceil_mode, indices=return_indices, kernels=kernels, name=name)
    if not return_indices:
        return from_nhwc(pool, layout)
    return from_nhwc(pool, layout), from_nhwc(MaxPoolIndices(pool, name=None if name is None else f"{name}_indices"),
                                              layout)
