"""Layer normalisation over the trailing axes, with a learned scale and shift."""

import numpy as np

from autograd import Block, Node, Parameter, ShapeError
from autograd.compiled import choose, supports
from autograd.errors import static_shape
from autograd.state import rename_keys
from autograd.vectors import mean_weights

from . import layer_norm_kernels as kernels

#: nodegrad's names of a norm's parameters -> PyTorch's.
TORCH_NAMES = {"gamma": "weight", "beta": "bias"}


def trailing_count(axes):
    """How many trailing axes `axes` names: -k (from axis -k on) or a count k."""
    if isinstance(axes, (tuple, list)):
        count = len(axes)
        if sorted(axes) != list(range(-count, 0)):
            raise ValueError(f"layer_norm normalises trailing axes; got axes={tuple(axes)}")
        return count
    axes = int(axes)
    if axes == 0:
        raise ValueError("layer_norm needs at least one trailing axis (axes=-1 or a count >= 1)")
    return abs(axes)


class LayerNormalization(Node):
    """Normalise each sample over its last k axes, then scale and shift.

    With m = k trailing elements per row, mu = mean(x), var = mean((x - mu)^2)
    over them, s = 1 / sqrt(var + eps) and xh = (x - mu) s:
        f = gamma * xh + beta          (gamma, beta of the trailing shape)
    Backward, with d = g * gamma and means over the same trailing axes:
        dG/dx     = s * (d - mean(d) - xh * mean(d * xh))
        dG/dgamma = sum over the leading axes of g * xh
        dG/dbeta  = sum over the leading axes of g
    (the leading-axis sums are the engine's unbroadcast of the addends).
    Where numba is installed, float32 and float64 inputs take compiled
    kernels that compute the same row by row and sum dG/dgamma and dG/dbeta
    themselves (`kernels`, see autograd.compiled and layer_norm_kernels).
    """

    op = "layer_norm"

    def __init__(self, x, gamma, beta, axes=-1, eps=1e-5, kernels=None, name=None):
        self.count = trailing_count(axes)
        self.eps = float(eps)
        self.kernels = choose(kernels, "layer_norm")
        self.compiled = False  # whether the latest pass took the compiled kernels and kept their state
        super().__init__(x, gamma, beta, name=name)

    def infer_shape(self, x, gamma, beta):
        k = self.count
        if len(x) < k:
            raise ShapeError(f"layer_norm over {k} trailing axes of an input of shape {static_shape(x)}")
        trailing = tuple(x[-k:])
        for what, shape in (("gamma", gamma), ("beta", beta)):
            if len(shape) != k or any(None not in (a, b) and a != b for a, b in zip(shape, trailing, strict=True)):
                raise ShapeError(
                    f"{what} of shape {static_shape(shape)} does not match the normalised axes {static_shape(trailing)}"
                )
        return x

    def _forward_compiled(self, x, gamma, beta):
        x2 = np.ascontiguousarray(x).reshape(-1, gamma.size)
        f, means, inv_stds = kernels.forward(x2, gamma.reshape(-1), beta.reshape(-1), self.eps)
        self.compiled = self.keep
        if self.keep:
            self.x2, self.means, self.inv_stds, self.xh = x2, means, inv_stds, None
            self.gamma, self.gamma_shape = gamma.reshape(-1), gamma.shape
        return f.reshape(x.shape)

    def _backward_compiled(self, g):
        gamma = self.gamma
        gx, g_gamma, g_beta = kernels.backward(np.ascontiguousarray(g).reshape(self.x2.shape), self.x2, gamma,
                                               self.means, self.inv_stds)
        shape = self.gamma_shape
        return (gx.reshape(g.shape) if self.needs[0] else None,
                g_gamma.astype(g.dtype).reshape(shape) if self.needs[1] else None,
                g_beta.astype(g.dtype).reshape(shape) if self.needs[2] else None)

    def forward(self, x, gamma, beta):
        if self.kernels == "numba" and supports(x, gamma, beta):
            return self._forward_compiled(x, gamma, beta)
        self.compiled, self.x2 = False, None  # nothing of a compiled pass outlives it
        # On rows (one per sample, its m trailing elements): row means as a
        # matrix-vector product are about five times faster than x.mean(axis).
        x2 = x.reshape(-1, gamma.size)
        centred = x2 - _row_mean(x2)
        var = _row_mean(centred * centred)
        inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))  # a numpy scalar keeps float32
        xh = centred * inv_std
        if self.keep:
            self.xh, self.inv_std, self.gamma = xh, inv_std, gamma.reshape(-1)
        return (xh * gamma.reshape(-1) + beta.reshape(-1)).reshape(x.shape)

    def backward(self, g):
        if self.compiled:
            return self._backward_compiled(g)
        xh = self.xh
        g2 = g.reshape(xh.shape)
        gx = None
        if self.needs[0]:
            d = g2 * self.gamma
            gx = d - _row_mean(d)
            gx -= xh * _row_mean(d * xh)
            gx *= self.inv_std
            gx = gx.reshape(g.shape)
        g_gamma = (g2 * xh).reshape(g.shape) if self.needs[1] else None
        return gx, g_gamma, g

    def vjp(self, g):
        """The same addends with mu, s and xh recomputed as nodes from x (`normalisation_vjp`)."""
        return normalisation_vjp(self, g, tuple(range(-self.count, 0)), batch_stats=True)


def normalisation_vjp(node, g, axes, batch_stats, statistics=None):
    """The addends (dx, dgamma, dbeta) of a layer or batch norm `node` over `axes`, built of nodes.

    With batch statistics, mu = mean(x), var = mean((x - mu)^2) over `axes`,
    s = (var + eps)^(-1/2), xh = (x - mu) s and d = g gamma are nodes, and
    dG/dx = s (d - mean(d) - xh mean(d xh)); otherwise `statistics` is the
    pair of nodes (mu, s) of the running statistics and dG/dx = s d.
    dG/dgamma = g xh and dG/dbeta = g (summed to their shapes by the engine).
    """
    from nodes.math.reduction import mean

    x, gamma, _ = node.inputs
    if batch_stats:
        centred = x - mean(x, axis=axes, keepdims=True)
        inv_std = (mean(centred * centred, axis=axes, keepdims=True) + node.eps) ** -0.5
    else:
        mu, inv_std = statistics
        centred = x - mu
    xh = centred * inv_std
    gx = None
    if node.needs[0]:
        d = g * gamma
        if batch_stats:
            d = d - mean(d, axis=axes, keepdims=True) - xh * mean(d * xh, axis=axes, keepdims=True)
        gx = d * inv_std
    return gx, (g * xh if node.needs[1] else None), g


def _row_mean(a):
    """The mean of each row of the 2-D array `a`, as a column (rows, 1): a BLAS product with 1/m."""
    return (a @ mean_weights(a.shape[1], a.dtype))[:, None]


def layer_norm(x, gamma, beta, axes=-1, eps=1e-5, kernels=None, name=None):
    """Layer normalisation of `x` over its trailing axes (see LayerNormalization; `kernels` chooses numpy's or the
    compiled path)."""
    return LayerNormalization(x, gamma, beta, axes=axes, eps=eps, kernels=kernels, name=name)


class LayerNorm(Block):
    """Layer normalisation with its parameters `<name>.gamma` (ones) and `<name>.beta` (zeros).

    `features` is the size of the last axis, or a tuple giving the shape of
    the normalised trailing axes. Calling the layer on a node wires
    `<name>.layer_norm` inside the scope `<name>`.

    PyTorch: `nn.LayerNorm(features, eps)`, with `weight` for gamma and
    `bias` for beta. `kernels` chooses numpy's or the compiled path for every
    call (see LayerNormalization).
    """

    default_name = "layer_norm"

    def __init__(self, features, name=None, eps=1e-5, kernels=None):
        super().__init__(name)
        self.features = (features,) if isinstance(features, int) else tuple(features)
        self.eps, self.kernels = eps, kernels
        self.gamma = Parameter(np.ones(self.features))
        self.beta = Parameter(np.zeros(self.features))

    def wire(self, x):
        """The layer normalisation node of x over the trailing axes."""
        return layer_norm(x, self.gamma, self.beta, axes=len(self.features), eps=self.eps, kernels=self.kernels,
                          name="layer_norm")

    def export_state(self, state, layout):
        """gamma and beta as nn.LayerNorm's weight and bias."""
        return rename_keys(state, TORCH_NAMES) if layout == "torch" else state

    def import_state(self, state, layout):
        """nn.LayerNorm's weight and bias as gamma and beta."""
        return rename_keys(state, {v: k for k, v in TORCH_NAMES.items()}) if layout == "torch" else state

    def __repr__(self):
        return f"LayerNorm({self.features}, name={self.name!r})"
