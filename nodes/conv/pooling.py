"""The base of the 2-D pooling nodes (PyTorch's output size, padding, ceil mode), and global average pooling.

Max pooling is in max_pooling.py, average pooling in avg_pooling.py.
"""

import numpy as np

from autograd import Node, ShapeError
from autograd.errors import static_shape
from nodes.common.layout import to_nhwc
from nodes.math.reduction import Spread

from .im2col import Geometry


def pool_output_size(size, kernel, stride, padding, dilation, ceil_mode):
    """Window positions along one axis, as PyTorch's pooling (None if the size is unknown).

    floor (or ceil, in ceil mode) of (size + 2 padding - dilation (kernel - 1) - 1) / stride, plus 1;
    in ceil mode a last window that would start past the input and its left padding is dropped.
    """
    if size is None:
        return None
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


class Pooling(Node):
    """Base of the 2-D pooling nodes: geometry, ceil mode and output shape (N, Ho, Wo, C).

    The input is padded by `padding` on every side and, in ceil mode, by
    what the last windows need beyond that on the bottom and right; windows
    are then read from the padded array (`self.window`: the same kernel,
    stride and dilation, no padding of its own).
    """

    def __init__(self, x, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, name=None):
        self.geometry = Geometry(kernel, kernel if stride is None else stride, padding, dilation)
        self.window = Geometry(kernel, self.geometry.stride, 0, dilation)
        self.ceil_mode = bool(ceil_mode)
        kh, kw = self.geometry.kernel
        ph, pw = self.geometry.padding
        if 2 * ph > kh or 2 * pw > kw:
            raise ValueError(f"padding {self.geometry.padding} must be at most half the kernel {self.geometry.kernel}")
        # Kernel == stride with no padding or dilation: windows tile the image, and the
        # kh*kw strided slices (one per offset) cover every window once.
        plain = not (ph or pw) and self.geometry.dilation == (1, 1)
        self.tiled = plain and self.geometry.kernel == self.geometry.stride
        super().__init__(x, name=name)

    def out_hw(self, h, w):
        """(Ho, Wo) for an input of h x w (None for an unknown size)."""
        g = self.geometry
        return tuple(pool_output_size(n, k, s, p, d, self.ceil_mode)
                     for n, k, s, p, d in zip((h, w), g.kernel, g.stride, g.padding, g.dilation, strict=True))

    def infer_shape(self, x):
        if len(x) != 4:
            raise ShapeError(f"{self.op} expects x of shape (N, H, W, C), got {static_shape(x)}")
        ho, wo = self.out_hw(x[1], x[2])
        if (ho is not None and ho < 1) or (wo is not None and wo < 1):
            raise ShapeError(self._no_fit(x))
        return (x[0], ho, wo, x[3])

    def _no_fit(self, x):
        """Why no window fits the (N, H, W, C) shape x: the window's span and the padded image's size."""
        g = self.geometry
        spans = [d * (k - 1) + 1 for k, d in zip(g.kernel, g.dilation, strict=True)]
        padded = ["?" if n is None else str(n + 2 * p) for n, p in zip(x[1:3], g.padding, strict=True)]
        span = f" (dilation {g.dilation}: it spans {spans[0]} x {spans[1]})" if g.dilation != (1, 1) else ""
        return (f"a {g.kernel} window{span} does not fit an image of {static_shape(x[1:3])[1:-1].replace(', ', ' x ')} "
                f"padded by {g.padding} to {padded[0]} x {padded[1]}: the output would be empty")

    def _check_fits(self, x):
        """Refuse an input no window fits (known only now when its size was not known at wiring)."""
        ho, wo = self.out_hw(x.shape[1], x.shape[2])
        if ho < 1 or wo < 1:  # reported by infer_shape, with the node's name (see autograd.forward)
            raise ValueError(self._no_fit(x.shape))

    def _tiles(self, x):
        """Whether the tiled fast path applies to x (in ceil mode, only when the windows cover it exactly)."""
        kh, kw = self.geometry.kernel
        return self.tiled and not (self.ceil_mode and (x.shape[1] % kh or x.shape[2] % kw))

    def _padded(self, x, fill):
        """x with the padding around it and the ceil mode's extra rows and columns (x itself without any)."""
        (ph, pw), (ho, wo) = self.geometry.padding, self.out_hw(x.shape[1], x.shape[2])
        (kh, kw), (sh, sw), (dh, dw) = self.geometry.kernel, self.geometry.stride, self.geometry.dilation
        n, h, w, c = x.shape
        hp = max((ho - 1) * sh + dh * (kh - 1) + 1, h + 2 * ph)
        wp = max((wo - 1) * sw + dw * (kw - 1) + 1, w + 2 * pw)
        if (hp, wp) == (h, w):
            return x
        xp = np.full((n, hp, wp, c), fill, dtype=x.dtype)
        xp[:, ph : ph + h, pw : pw + w] = x
        return xp

    def _interior(self, xp, shape):
        """The part of a padded array that is the input (the inverse of `_padded` for values)."""
        (ph, pw), (h, w) = self.geometry.padding, shape[1:3]
        return xp[:, ph : ph + h, pw : pw + w]

    def _slices(self, x):
        """The strided slice of x read at every kernel offset, row-major order."""
        return [x[:, rows, cols] for rows, cols in self.geometry.offset_slices(x.shape[1], x.shape[2])]


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

    def vjp(self, g):
        """dG/dx = g / (H W) spread over the spatial axes (a Spread node)."""
        return (Spread(g, self.inputs[0], axis=(1, 2), mean=True),)


def global_avg_pool(x, layout="NHWC", name=None):
    """Mean over the spatial axes of `x`: (N, H, W, C), or (N, C, H, W) with layout="NCHW", -> (N, C)."""
    return GlobalAveragePooling(to_nhwc(x, layout), name=name)
