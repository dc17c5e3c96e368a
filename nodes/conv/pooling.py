"""Max and average pooling over NHWC images, and global average pooling."""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape

from .im2col import Geometry, col2im, unpad


class Pooling(Node):
    """Base of the 2-D pooling nodes: geometry and output shape (N, Ho, Wo, C)."""

    def __init__(self, x, kernel, stride=None, padding=0, name=None):
        self.geometry = Geometry(kernel, kernel if stride is None else stride, padding)
        kh, kw = self.geometry.kernel
        ph, pw = self.geometry.padding
        if 2 * ph > kh or 2 * pw > kw:
            raise ValueError(f"padding {self.geometry.padding} must be at most half the kernel {self.geometry.kernel}")
        # Kernel == stride with no padding: windows tile the image, and the
        # kh*kw strided slices (one per offset) cover every window once.
        self.tiled = self.geometry.kernel == self.geometry.stride and not (ph or pw)
        super().__init__(x, name=name)

    def infer_shape(self, x):
        if len(x) != 4:
            raise ShapeError(f"{self.op} expects x of shape (N, H, W, C), got {static_shape(x)}")
        ho, wo = self.geometry.out_hw(x[1], x[2])
        if (ho is not None and ho < 1) or (wo is not None and wo < 1):
            raise ShapeError(f"a {self.geometry.kernel} window does not fit an input of shape {static_shape(x)}")
        return (x[0], ho, wo, x[3])

    def _slices(self, x):
        """The strided slice of x read at every kernel offset, row-major order."""
        return [x[:, rows, cols] for rows, cols in self.geometry.offset_slices(x.shape[1], x.shape[2])]


class MaxPooling(Pooling):
    """f[n, i, j, c] = max of x over the window of (i, j) (padding counts as -inf).

    Backward: dG/dx gets g[n, i, j, c] at ONE position of each window: the
    first maximum in row-major order within the window (the convention of
    PyTorch), so ties do not duplicate the gradient; overlapping windows add.
    """

    op = "max_pool2d"

    def forward(self, x):
        if self.tiled:
            return self._forward_tiled(x)
        geometry = self.geometry
        xp = geometry.pad(x, fill=-np.inf)
        windows = geometry.windows(xp)  # (N, Ho, Wo, kh, kw, C)
        n, ho, wo, kh, kw, c = windows.shape
        flat = windows.transpose(0, 1, 2, 5, 3, 4).reshape(n, ho, wo, c, kh * kw)
        first = flat.argmax(axis=-1)  # argmax returns the first maximum: the tie convention
        f = np.take_along_axis(flat, first[..., None], axis=-1)[..., 0]
        if self.keep:
            self.first, self.padded_shape = first, xp.shape
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
        self.blocks, self.f, self.in_shape = blocks, f, x.shape
        return f

    def _offsets_first(self, x):
        """x (N, H, W, C) as a contiguous (kh*kw, N, Ho, Wo, C): block k holds kernel offset k of every window."""
        (kh, kw), (ho, wo) = self.geometry.kernel, self.geometry.out_hw(x.shape[1], x.shape[2])
        n, c = x.shape[0], x.shape[3]
        tiles = x[:, : ho * kh, : wo * kw].reshape(n, ho, kh, wo, kw, c)  # rows and columns no window covers dropped
        return np.ascontiguousarray(tiles.transpose(2, 4, 0, 1, 3, 5)).reshape(kh * kw, n, ho, wo, c)

    def backward(self, g):
        if self.tiled:
            return (self._backward_tiled(g),)
        geometry = self.geometry
        kh, kw = geometry.kernel
        cols = np.zeros(g.shape + (kh * kw,), dtype=g.dtype)
        np.put_along_axis(cols, self.first[..., None], g[..., None], axis=-1)
        # col2im expects rows in (a, b, c) order.
        n, ho, wo, c, _ = cols.shape
        cols = cols.reshape(n * ho * wo, c, kh * kw).transpose(0, 2, 1)
        return (unpad(geometry, col2im(geometry, cols, self.padded_shape)),)

    def _backward_tiled(self, g):
        blocks, f, (n, h, w, c) = self.blocks, self.f, self.in_shape
        (kh, kw), (ho, wo) = self.geometry.kernel, f.shape[1:3]
        covered = h == ho * kh and w == wo * kw
        gx = np.empty(self.in_shape, dtype=g.dtype) if covered else np.zeros(self.in_shape, dtype=g.dtype)
        windows = gx[:, : ho * kh, : wo * kw].reshape(n, ho, kh, wo, kw, c)  # a view: writes land in gx
        # Offsets in row-major order; `left` is g where no earlier offset
        # held the maximum, so each window's g goes to its first maximum.
        left = g.copy()
        hit = np.empty(f.shape, dtype=bool)
        piece = np.empty_like(g)
        for k, block in enumerate(blocks):
            np.equal(block, f, out=hit)
            np.multiply(left, hit, out=piece)
            a, b = divmod(k, kw)
            windows[:, :, a, :, b, :] = piece
            if k + 1 < len(blocks):
                left -= piece
        return gx


class AveragePooling(Pooling):
    """f[n, i, j, c] = mean of x over the window of (i, j), zero padding included in the count.

    Backward: dG/dx gets g[n, i, j, c] / (kh kw) at every position of each
    window (overlapping windows add; what falls on the padding is dropped).
    """

    op = "avg_pool2d"

    def forward(self, x):
        kh, kw = self.geometry.kernel
        scale = x.dtype.type(1.0 / (kh * kw))
        if self.keep:
            self.in_shape = x.shape
        if self.tiled:
            slices = self._slices(x)
            f = slices[0].copy()
            for s in slices[1:]:
                f += s
            f *= scale
            return f
        xp = self.geometry.pad(x)
        return self.geometry.windows(xp).sum(axis=(3, 4)) * scale

    def backward(self, g):
        geometry = self.geometry
        kh, kw = geometry.kernel
        share = g * g.dtype.type(1.0 / (kh * kw))
        if self.tiled:
            gx = np.zeros(self.in_shape, dtype=g.dtype)
            for s in self._slices(gx):
                s[...] = share
            return (gx,)
        n, h, w, c = self.in_shape
        ph, pw = geometry.padding
        padded_shape = (n, h + 2 * ph, w + 2 * pw, c)
        cols = np.broadcast_to(share[:, :, :, None, :], share.shape[:3] + (kh * kw, c))
        cols = np.ascontiguousarray(cols).reshape(-1, kh * kw * c)
        return (unpad(geometry, col2im(geometry, cols, padded_shape)),)


class GlobalAveragePooling(Node):
    """f[n, c] = mean of x[n, :, :, c] over all H*W positions.

    Backward: dG/dx[n, h, w, c] = g[n, c] / (H W).
    """

    op = "global_avg_pool"

    def infer_shape(self, x):
        if len(x) != 4:
            raise ShapeError(f"global_avg_pool expects x of shape (N, H, W, C), got {static_shape(x)}")
        return (x[0], x[3])

    def forward(self, x):
        if self.keep:
            self.in_shape = x.shape
        return x.mean(axis=(1, 2))

    def backward(self, g):
        n, h, w, c = self.in_shape
        gx = np.empty(self.in_shape, dtype=g.dtype)
        gx[...] = (g * g.dtype.type(1.0 / (h * w)))[:, None, None, :]
        return (gx,)


def max_pool2d(x, kernel, stride=None, padding=0, name=None):
    """Max pooling of NHWC `x`; `stride` defaults to `kernel` (see MaxPooling for ties)."""
    return MaxPooling(x, kernel, stride=stride, padding=padding, name=name)


def avg_pool2d(x, kernel, stride=None, padding=0, name=None):
    """Average pooling of NHWC `x`; `stride` defaults to `kernel`."""
    return AveragePooling(x, kernel, stride=stride, padding=padding, name=name)


def global_avg_pool(x, name=None):
    """Mean over the spatial axes of NHWC `x`: (N, H, W, C) -> (N, C)."""
    return GlobalAveragePooling(x, name=name)
