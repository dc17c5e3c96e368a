"""The two adjoints of a convolution, as nodes: its input gradient and its weight gradient.

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

from autograd import Node

from .conv2d import Convolution, _group_cols, _group_weights, _grouped_matmul, _ungroup_cols, _ungroup_weights
from .im2col import Geometry, col2im, im2col, unpad


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
