"""2-D convolution (cross-correlation, as in deep-learning libraries) on NHWC images, and its two adjoints.

A convolution f = conv(x, w) is bilinear: with X = im2col(x) and G = g as
rows, dG/dx = col2im(G W^T) and dG/dw = X^T G. For a backward pass built
of nodes (`Convolution.vjp`) each is a node, and the three close up under
differentiation: with h the gradient arriving at a node,

    ConvInputGrad(g, w)   -> dg = conv(h, w),               dw = ConvWeightGrad(h, g)
    ConvWeightGrad(x, g)  -> dx = ConvInputGrad(g, h),      dg = conv(x, h)

Both take a third input, `like` (x or w), that lends only its shape. They
carry the convolution's stride, padding, dilation and groups, and compute
through the grouped im2col path (groups = 1 is one group): these nodes
appear only in gradients of gradients, where clarity beats speed.
"""

import numpy as np

from autograd import Node, ShapeError
from autograd.compiled import choose, supports
from autograd.errors import static_shape
from nodes.array.transpose import transpose
from nodes.common.layout import OIHW_TO_HWIO, check_layout, from_nhwc, to_nhwc

from . import conv_kernels
from .im2col import Geometry, col2im, col2im_transposed, im2col, stride_one_input_gradient, unpad


class Convolution(Node):
    """Grouped, strided, dilated, zero-padded 2-D convolution of NHWC images.

    Layout: x is (N, H, W, C_in) (channels last: the im2col matmul produces
    that layout with no transpose), w is (kh, kw, C_in / groups, C_out) and
    the optional bias b is (C_out,). Output (N, Ho, Wo, C_out) with
    Ho = (H + 2 p - d (kh - 1) - 1) // s + 1 (likewise Wo). With X the
    im2col matrix (one row per output pixel, (a, b, c) order) and W the
    weights reshaped to (kh*kw*C_in, C_out), for each group:
        f = X W + b
    Backward, with G = g reshaped to (N*Ho*Wo, C_out):
        dG/dW = X^T G;   dG/db = sum of G over rows;   dG/dx = col2im(G W^T)
    where col2im adds each row back at its window (skipped when x needs
    no gradient, e.g. for the first layer). Without groups the bias is
    folded into the matmuls: X gets a column of ones and W a last row b,
    so f and [dG/dW; dG/db] = [X 1]^T G each take one matmul.
    Where numba is installed, dG/dx without groups, for float32 or float64 g
    and w, takes a compiled col2im
    (`kernels`, see autograd.compiled and conv_kernels).
    """

    op = "conv2d"

    def __init__(self, x, w, b=None, stride=1, padding=0, dilation=1, groups=1, kernels=None, name=None):
        self.kernels = choose(kernels, "conv2d")
        self.groups = int(groups)
        if self.groups < 1:
            raise ValueError(f"groups must be a positive int, got {groups!r}")
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.geometry = None  # the kernel size comes from w's shape at wiring or first forward
        inputs = (x, w) if b is None else (x, w, b)
        super().__init__(*inputs, name=name)

    def _geometry(self, kernel):
        if self.geometry is None or self.geometry.kernel != tuple(kernel):
            self.geometry = Geometry(kernel, self.stride, self.padding, self.dilation)
        return self.geometry

    def infer_shape(self, x, w, b=None):
        if len(x) != 4 or len(w) != 4:
            raise ShapeError(
                "conv2d expects x (N, H, W, C_in) and w (kh, kw, C_in/groups, C_out), "
                f"got {static_shape(x)} and {static_shape(w)}"
            )
        kh, kw, cg, out = w
        if None in (kh, kw, cg, out):
            return None
        if out % self.groups:
            raise ShapeError(f"C_out = {out} is not divisible by groups = {self.groups}")
        if x[3] is not None and x[3] != cg * self.groups:
            raise ShapeError(
                f"input has {x[3]} channels; weights {static_shape(w)} with groups={self.groups} "
                f"expect {cg * self.groups}"
            )
        if b is not None and (len(b) != 1 or b[0] not in (None, out)):
            raise ShapeError(f"bias of shape {static_shape(b)} for {out} output channels")
        ho, wo = self._geometry((kh, kw)).out_hw(x[1], x[2])
        if (ho is not None and ho < 1) or (wo is not None and wo < 1):
            raise ShapeError(
                f"a {kh}x{kw} kernel does not fit an input of shape {static_shape(x)} with this padding and dilation"
            )
        return (x[0], ho, wo, out)

    def forward(self, x, w, b=None):
        kh, kw, cg, out = w.shape
        geometry = self._geometry((kh, kw))
        xp = geometry.pad(x)
        fold_bias = b is not None and self.groups == 1
        cols = im2col(geometry, xp, ones_column=fold_bias)
        n, (ho, wo) = x.shape[0], geometry.out_hw(x.shape[1], x.shape[2])
        if fold_bias:
            y = cols @ np.concatenate([w.reshape(kh * kw * cg, out), b[None]])
        elif self.groups == 1:
            y = cols @ w.reshape(kh * kw * cg, out)
        else:
            y = _grouped_matmul(_group_cols(cols, self.groups, cg), _group_weights(w, self.groups))
            if b is not None:
                y += b
        if self.keep:
            self.cols, self.w, self.fold_bias = cols, w, fold_bias
            self.input_shape, self.padded_shape = x.shape, xp.shape
        return y.reshape(n, ho, wo, out)

    def backward(self, g):
        w, cols, groups = self.w, self.cols, self.groups
        kh, kw, cg, out = w.shape
        k = kh * kw * cg
        g2 = g.reshape(-1, out)
        gx = gw = gb = None
        if groups == 1:
            if self.fold_bias:
                if self.needs[1] or self.needs[2]:
                    gwb = cols.T @ g2  # weights' and bias's gradients in one matmul
                    gw, gb = gwb[:k].reshape(w.shape), gwb[k]
            elif self.needs[1]:
                gw = (cols.T @ g2).reshape(w.shape)
            if self.needs[0]:
                if self.kernels == "numba" and supports(g, w):
                    gx = conv_kernels.input_gradient(self.geometry, g, w, self.input_shape)
                elif self.geometry.stride == (1, 1):
                    gx = stride_one_input_gradient(self.geometry, g, w, self.input_shape)
                else:  # transposed (kh*kw*C_in, M): the layout col2im_transposed adds fastest
                    gx = col2im_transposed(self.geometry, w.reshape(k, out) @ g2.T, self.input_shape)
        else:
            gg = g2.reshape(-1, groups, out // groups).transpose(1, 0, 2)  # (G, M, Og)
            if self.needs[1]:
                gw = _ungroup_weights(_group_cols(cols, groups, cg).transpose(0, 2, 1) @ gg, w.shape)
            if self.needs[0]:
                gcols = _ungroup_cols(gg @ _group_weights(w, groups).transpose(0, 2, 1), kh * kw)
                gx = unpad(self.geometry, col2im(self.geometry, gcols, self.padded_shape))
            gb = g  # the engine sums it over the rows (a ones-vector matmul)
        if len(self.inputs) == 2:
            return gx, gw
        return gx, gw, gb

    def vjp(self, g):
        """dG/dx = ConvInputGrad(g, w, like=x), dG/dw = ConvWeightGrad(x, g, like=w), dG/db = g (summed to b)."""
        x, w = self.inputs[:2]
        gx = ConvInputGrad(g, w, x, **settings(self)) if self.needs[0] else None
        gw = ConvWeightGrad(x, g, w, **settings(self)) if self.needs[1] else None
        return (gx, gw) if len(self.inputs) == 2 else (gx, gw, g)


def _group_cols(cols, groups, cg):
    """(M, kh*kw*C) -> (G, M, kh*kw*Cg): each group's columns, contiguous."""
    m = cols.shape[0]
    return np.ascontiguousarray(cols.reshape(m, -1, groups, cg).transpose(2, 0, 1, 3).reshape(groups, m, -1))


def _ungroup_cols(gcols, kk):
    """(G, M, kh*kw*Cg) -> (M, kh*kw*C), the inverse of _group_cols."""
    groups, m, _ = gcols.shape
    return np.ascontiguousarray(gcols.reshape(groups, m, kk, -1).transpose(1, 2, 0, 3).reshape(m, -1))


def _group_weights(w, groups):
    """(kh, kw, Cg, C_out) -> (G, kh*kw*Cg, C_out/G)."""
    kh, kw, cg, out = w.shape
    return w.reshape(kh * kw * cg, groups, out // groups).transpose(1, 0, 2)


def _ungroup_weights(gw, shape):
    """(G, kh*kw*Cg, C_out/G) -> (kh, kw, Cg, C_out), the inverse of _group_weights."""
    return gw.transpose(1, 0, 2).reshape(shape)


def _grouped_matmul(cols, weights):
    """(G, M, K) @ (G, K, Og) -> (M, G*Og): group g's outputs are channels g*Og .. (g+1)*Og - 1."""
    y = cols @ weights
    groups, m, og = y.shape
    return y.transpose(1, 0, 2).reshape(m, groups * og)


def settings(node):
    """The stride, padding, dilation and groups of a convolution or of one of its adjoints, as keywords."""
    return {"stride": node.stride, "padding": node.padding, "dilation": node.dilation, "groups": node.groups}


class _ConvAdjoint(Node):
    """Shared: the convolution's settings, its geometry for a kernel size, and the three array maps."""

    def __init__(self, a, b, like, stride=1, padding=0, dilation=1, groups=1, name=None):
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, int(groups)
        super().__init__(a, b, like, name=name)

    def infer_shape(self, a, b, like):
        return like

    def _geometry(self, w_shape):
        return Geometry(w_shape[:2], self.stride, self.padding, self.dilation)

    def _conv(self, x, w):
        """conv(x, w) without bias, (N, Ho, Wo, C_out)."""
        geometry, (_, _, cg, out) = self._geometry(w.shape), w.shape
        cols = im2col(geometry, geometry.pad(x))
        y = _grouped_matmul(_group_cols(cols, self.groups, cg), _group_weights(w, self.groups))
        ho, wo = geometry.out_hw(x.shape[1], x.shape[2])
        return y.reshape(x.shape[0], ho, wo, out)

    def _input_grad(self, g, w, x_shape):
        """col2im(G W^T): dG/dx of conv(x, w) for the gradient g of its output."""
        geometry, (kh, kw, _, out) = self._geometry(w.shape), w.shape
        n, h, wd, c = x_shape
        (ph, pw) = geometry.padding
        gg = g.reshape(-1, self.groups, out // self.groups).transpose(1, 0, 2)
        gcols = _ungroup_cols(gg @ _group_weights(w, self.groups).transpose(0, 2, 1), kh * kw)
        return unpad(geometry, col2im(geometry, gcols, (n, h + 2 * ph, wd + 2 * pw, c)))

    def _weight_grad(self, x, g, w_shape):
        """X^T G: dG/dw of conv(x, w) for the gradient g of its output."""
        geometry, (_, _, cg, out) = self._geometry(w_shape), w_shape
        cols = im2col(geometry, geometry.pad(x))
        gg = g.reshape(-1, self.groups, out // self.groups).transpose(1, 0, 2)
        return _ungroup_weights(_group_cols(cols, self.groups, cg).transpose(0, 2, 1) @ gg, w_shape)


class ConvInputGrad(_ConvAdjoint):
    """f = col2im(g W^T) in the shape of `like` (x): the input gradient of conv(x, w) for its output gradient g.

    Linear in g and in w. Backward, h = dG/df: dG/dg = conv(h, w), dG/dw = X_h^T g (X_h = im2col(h));
    `like` gets none.
    """

    op = "conv2d_input_grad"

    def forward(self, g, w, like):
        if self.keep:
            self.g, self.w, self.like_shape = g, w, like.shape
        return self._input_grad(g, w, like.shape)

    def backward(self, h):
        gg = self._conv(h, self.w) if self.needs[0] else None
        gw = self._weight_grad(h, self.g, self.w.shape) if self.needs[1] else None
        return gg, gw, None

    def vjp(self, h):
        """dG/dg = Convolution(h, w), dG/dw = ConvWeightGrad(h, g, like=w)."""
        g, w, _ = self.inputs
        gg = Convolution(h, w, **settings(self)) if self.needs[0] else None
        gw = ConvWeightGrad(h, g, w, **settings(self)) if self.needs[1] else None
        return gg, gw, None


class ConvWeightGrad(_ConvAdjoint):
    """f = X^T g in the shape of `like` (w), X = im2col(x): the weight gradient of conv(x, w) for its output gradient g.

    Linear in x and in g. Backward, h = dG/df (shaped like w): dG/dx = col2im(g h^T), dG/dg = conv(x, h);
    `like` gets none.
    """

    op = "conv2d_weight_grad"

    def forward(self, x, g, like):
        if self.keep:
            self.x, self.g = x, g
        return self._weight_grad(x, g, like.shape)

    def backward(self, h):
        gx = self._input_grad(self.g, h, self.x.shape) if self.needs[0] else None
        gg = self._conv(self.x, h) if self.needs[1] else None
        return gx, gg, None

    def vjp(self, h):
        """dG/dx = ConvInputGrad(g, h, like=x), dG/dg = Convolution(x, h)."""
        x, g, _ = self.inputs
        gx = ConvInputGrad(g, h, x, **settings(self)) if self.needs[0] else None
        gg = Convolution(x, h, **settings(self)) if self.needs[1] else None
        return gx, gg, None


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1, layout="NHWC", kernels=None, name=None):
    """2-D convolution of `x` with weights `w` (see Convolution), as PyTorch's conv2d.

    layout="NHWC" (the default, faster): x (N, H, W, C_in), w HWIO
    (kh, kw, C_in / groups, C_out), output (N, Ho, Wo, C_out).
    layout="NCHW" (PyTorch's): x (N, C_in, H, W), w OIHW (C_out,
    C_in / groups, kh, kw), output (N, C_out, Ho, Wo); moveaxis and
    transpose nodes (views) on x, w and the output wrap the NHWC
    convolution (see nodes.common.layout). `kernels` chooses numpy's or
    the compiled path (see Convolution).
    """
    if check_layout(layout) == "NCHW":
        for what, node in (("x (N, C_in, H, W)", x), ("w (C_out, C_in / groups, kh, kw)", w)):
            if getattr(node, "shape", None) is not None and len(node.shape) != 4:
                raise ShapeError(f"conv2d with layout NCHW expects {what}, got shape {static_shape(node.shape)}")
        w = transpose(w, OIHW_TO_HWIO, name="weight_hwio")
    y = Convolution(to_nhwc(x, layout), w, b, stride=stride, padding=padding, dilation=dilation, groups=groups,
                    kernels=kernels, name=name)
    return from_nhwc(y, layout)
