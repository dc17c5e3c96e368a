"""Batch normalisation over every axis but the channels (last, or second in NCHW), with running statistics."""

import numpy as np

from autograd import Block, Node, Parameter, ShapeError
from autograd.compiled import choose, supports
from autograd.errors import static_shape
from autograd.state import rename_keys
from autograd.vectors import ones
from nodes.common.layout import check_layout, from_nhwc, to_nhwc

from . import batch_norm_kernels as kernels
from .layer_norm import normalisation_vjp

#: Bytes of rows that the batch norm's chains of full-size operations run on at a time: each slab stays in
#: a core's cache through the chain, instead of every operation reading and writing the whole array.
#: Measured on the speedrun's first batch norm (128 x 24 x 24 x 16, float32): twice as fast as whole arrays.
SLAB_BYTES = 1 << 18

#: nodegrad's names of the block's parameters and buffers -> PyTorch's.
TORCH_NAMES = {"gamma": "weight", "beta": "bias", "batch_norm.running_mean": "running_mean",
               "batch_norm.running_var": "running_var"}


class _ChannelRows:
    """x (..., C) seen as a 2-D array whose rows hold k whole pixels: (M / k, k C).

    numpy broadcasts a per-channel vector over an (M, C) array one row of C
    values at a time; with few channels (16 in the demo's CNN) that is one
    inner-loop call per 16 numbers, about 2.3 times slower than the same
    arithmetic on rows of a whole image line (k = W pixels) with the vector
    tiled k times. Statistics come back per channel by adding the k groups.
    """

    def __init__(self, shape):
        self.channels = shape[-1]
        self.k = shape[-2] if len(shape) == 4 else 1
        self.count = int(np.prod(shape[:-1]))  # M, the rows of x as (M, C)

    def view(self, a):
        return a.reshape(-1, self.k * self.channels)

    def tiled(self, v):
        return np.tile(v, self.k) if self.k > 1 else v

    def _per_channel(self, columns):
        return columns.reshape(self.k, self.channels).sum(axis=0) if self.k > 1 else columns

    def sum(self, a2):
        """Per-channel sum over all pixels of a viewed array (a ones-vector matmul: BLAS)."""
        return self._per_channel(ones(a2.shape[0], a2.dtype) @ a2)

    def dot(self, a2, b2):
        """Per-channel sum over all pixels of a2 * b2, in one pass without the product's array (einsum)."""
        return self._per_channel(np.einsum("ij,ij->j", a2, b2))

    def slabs(self, a2):
        """Slices of about SLAB_BYTES of rows each, covering a viewed array."""
        step = max(1, SLAB_BYTES // (a2.shape[1] * a2.itemsize))
        return [slice(i, i + step) for i in range(0, a2.shape[0], step)]


def _centred(rows, x2, mean):
    """x2 - mean per channel (the mean tiled), slab by slab."""
    centred = np.empty_like(x2)
    mean = rows.tiled(mean)
    for s in rows.slabs(x2):
        np.subtract(x2[s], mean, out=centred[s])
    return centred


def _centred_and_squares(rows, x2, mean):
    """(x2 - mean per channel, the per-channel sum of its squares), each slab squared while it is in cache."""
    centred = np.empty_like(x2)
    squares = np.zeros(x2.shape[1], dtype=x2.dtype)
    mean = rows.tiled(mean)
    for s in rows.slabs(x2):
        c = np.subtract(x2[s], mean, out=centred[s])
        squares += np.einsum("ij,ij->j", c, c)
    return centred, rows._per_channel(squares)


def _scaled(rows, a2, scale, shift, mean=None):
    """(a2 - mean) * scale + shift per channel (no mean: a2 * scale + shift), slab by slab."""
    out = np.empty_like(a2)
    scale, shift = rows.tiled(scale), rows.tiled(shift)
    mean = None if mean is None else rows.tiled(mean)
    for s in rows.slabs(a2):
        o = out[s]
        if mean is None:
            np.multiply(a2[s], scale, out=o)
        else:
            np.subtract(a2[s], mean, out=o)
            o *= scale
        o += shift
    return out


def _input_gradient(rows, g2, centred, scale, slope, shift):
    """g2 * scale - centred * slope - shift per channel, slab by slab (one slab-sized temporary)."""
    out = np.empty_like(g2)
    scale, slope, shift = rows.tiled(scale), rows.tiled(slope), rows.tiled(shift)
    parts = rows.slabs(g2)
    product = np.empty_like(g2[parts[0]])
    for s in parts:
        o = np.multiply(g2[s], scale, out=out[s])
        p = np.multiply(centred[s], slope, out=product[: o.shape[0]])
        o -= p
        o -= shift
    return out


class BatchNormalization(Node):
    """Normalise each channel (last axis) with statistics over all other axes, then scale and shift.

    For x of shape (N, C) or (N, H, W, C), the statistics run over the
    M = N (or N*H*W) rows of x reshaped to (M, C). Training: mu and var
    (biased) are the batch's, xh = (x - mu) s with s = 1 / sqrt(var + eps),
        f = gamma * xh + beta
    and the running statistics move towards the batch's:
        running_mean <- (1 - momentum) running_mean + momentum mu
        running_var  <- (1 - momentum) running_var + momentum var * M / (M - 1)
    (unbiased variance, as PyTorch). Evaluation: mu and var are the running
    ones, which are not updated.
    Backward (training), with d = g * gamma and means over the M rows:
        dG/dx = s * (d - mean(d) - xh * mean(d * xh))
    (evaluation: dG/dx = s * d, the statistics being constants);
        dG/dgamma = sum over rows of g * xh,   dG/dbeta = sum over rows of g
    The node sums these itself, already of shape (C,): dG/dbeta first, then
    dG/dgamma = s * sum(g * (x - mu)) in one pass with no product array,
    and dG/dx = gamma s g - gamma s dG/dbeta / M - (x - mu) gamma s^2 dG/dgamma / M
    from them (the same formula, written with per-channel factors so that
    it takes four full-size passes). The forward keeps x - mu, not xh.
    The running statistics are `self.buffers` ("running_mean", "running_var"),
    saved and loaded with checkpoints. In training, where numba is installed
    and x is float32 or float64, compiled kernels compute the same
    (`kernels`, see autograd.compiled and batch_norm_kernels), adding the
    statistics in float64 and keeping x itself rather than x - mu.
    """

    op = "batch_norm"

    def __init__(self, x, gamma, beta, momentum=0.1, eps=1e-5, buffers=None, kernels=None, name=None):
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.momentum = float(momentum)
        self.eps = float(eps)
        self.kernels = choose(kernels, "batch_norm")
        self.compiled = False  # whether the latest training pass took the compiled kernels
        super().__init__(x, gamma, beta, name=name)
        if buffers is not None:  # a block's, shared by all its calls
            self.buffers = buffers
            return
        features = self.inputs[1].shape
        if features is not None and None not in features:
            self._make_buffers(features, _dtype_of(self.inputs[1]))

    def _make_buffers(self, features, dtype):
        self.buffers = running_statistics(features, dtype)

    def infer_shape(self, x, gamma, beta):
        if len(x) not in (2, 4):
            raise ShapeError(f"batch_norm expects x of shape (N, C) or (N, H, W, C), got {static_shape(x)}")
        for what, shape in (("gamma", gamma), ("beta", beta)):
            if len(shape) != 1 or None not in (shape[0], x[-1]) and shape[0] != x[-1]:
                raise ShapeError(f"{what} of shape {static_shape(shape)} for {x[-1]} channels")
        return x

    def _update_running(self, mean, var, count):
        running_mean, running_var, m = self.buffers["running_mean"], self.buffers["running_var"], self.momentum
        running_mean *= 1 - m
        running_mean += m * mean
        running_var *= 1 - m
        running_var += (m * count / max(count - 1, 1)) * var

    def _forward_compiled(self, x, gamma, beta):
        """Training with the compiled kernels on x as (M, C) rows."""
        x2 = np.ascontiguousarray(x).reshape(-1, x.shape[-1])
        mean, var = (v.astype(x.dtype) for v in kernels.statistics(x2))
        self._update_running(mean, var, x2.shape[0])
        inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))
        self.compiled = self.keep
        if self.keep:
            self.x2, self.mean, self.inv_std, self.gamma, self.batch_stats = x2, mean, inv_std, gamma, True
            self.centred = None  # nothing of a numpy pass outlives it
        return kernels.scale_and_shift(x2, mean, gamma * inv_std, beta).reshape(x.shape)

    def _backward_compiled(self, g):
        x2, s, gamma = self.x2, self.inv_std, self.gamma
        g2 = np.ascontiguousarray(g).reshape(x2.shape)
        one_over_m = g.dtype.type(1.0 / x2.shape[0])
        sums, centred_sums = kernels.gradient_sums(g2, x2, self.mean)
        g_beta, g_gamma = sums.astype(g.dtype), (centred_sums * s).astype(g.dtype)
        gx = None
        if self.needs[0]:
            scale = gamma * s
            gx = kernels.input_gradient(g2, x2, self.mean, scale, scale * s * g_gamma * one_over_m,
                                        scale * g_beta * one_over_m).reshape(g.shape)
        return gx, g_gamma if self.needs[1] else None, g_beta if self.needs[2] else None

    def forward(self, x, gamma, beta):
        if self.buffers is None:
            self._make_buffers(gamma.shape, gamma.dtype)
        if self.training and self.kernels == "numba" and supports(x, gamma, beta):
            return self._forward_compiled(x, gamma, beta)
        self.compiled, self.x2 = False, None  # nothing of a compiled pass outlives it
        rows = _ChannelRows(x.shape)
        x2 = rows.view(x)
        running_mean, running_var = self.buffers["running_mean"], self.buffers["running_var"]
        one_over_m = x.dtype.type(1.0 / rows.count)
        if self.training:
            mean = rows.sum(x2) * one_over_m
            centred, squares = _centred_and_squares(rows, x2, mean)
            var = squares * one_over_m
            self._update_running(mean, var, rows.count)
        else:
            mean = running_mean.astype(x.dtype, copy=False)
            var = running_var.astype(x.dtype, copy=False)
            centred = _centred(rows, x2, mean) if self.keep else None
        inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))
        if self.keep:  # the centred x, not xh = centred * s: a full-size pass fewer (backward scales per channel)
            self.rows, self.centred, self.inv_std, self.gamma = rows, centred, inv_std, gamma
            self.batch_stats = self.training
        if centred is None:  # evaluation without backward: x is centred slab by slab
            return _scaled(rows, x2, gamma * inv_std, beta, mean=mean).reshape(x.shape)
        return _scaled(rows, centred, gamma * inv_std, beta).reshape(x.shape)

    def backward(self, g):
        if self.compiled:
            return self._backward_compiled(g)
        rows, centred, s, gamma = self.rows, self.centred, self.inv_std, self.gamma
        g2 = rows.view(g)
        need_x = self.needs[0]
        sums_for_x = need_x and self.batch_stats  # dG/dx with the batch's statistics uses both sums
        g_beta = rows.sum(g2) if self.needs[2] or sums_for_x else None
        g_gamma = rows.dot(g2, centred) * s if self.needs[1] or sums_for_x else None
        gx = None
        if need_x:
            scale = gamma * s
            if self.batch_stats:  # gx = scale g - centred (scale s mean(g xh)) - scale mean(g), per channel
                one_over_m = g.dtype.type(1.0 / rows.count)
                gx = _input_gradient(rows, g2, centred, scale, scale * s * g_gamma * one_over_m,
                                     scale * g_beta * one_over_m)
            else:
                gx = g2 * rows.tiled(scale)
            gx = gx.reshape(g.shape)
        return gx, g_gamma if self.needs[1] else None, g_beta if self.needs[2] else None

    def vjp(self, g):
        """The same addends built of nodes: with the batch's statistics (training) as nodes of x, or the running
        ones (evaluation) as `RunningStatistic` nodes read at every pass. The mode is that of the pass that
        computed this node."""
        axes = tuple(range(self.value.ndim - 1))
        if self.batch_stats:
            return normalisation_vjp(self, g, axes, batch_stats=True)
        statistics = (RunningStatistic(self, "mean"), RunningStatistic(self, "inv_std"))
        return normalisation_vjp(self, g, axes, batch_stats=False, statistics=statistics)


class RunningStatistic(Node):
    """The running mean, or 1 / sqrt(running variance + eps), of the batch norm node it takes, in its dtype.

    Read from the node's buffers at every pass, after the node (its input)
    has run: the constants of a batch norm in evaluation, for its `vjp`.
    Backward: none (buffers are not trained).
    """

    op = "running_statistic"
    differentiable = False

    def __init__(self, norm, which, name=None):
        if which not in ("mean", "inv_std"):
            raise ValueError(f"running statistic: which must be 'mean' or 'inv_std', got {which!r}")
        self.which = which
        super().__init__(norm, name=name)

    def infer_shape(self, f):
        return (f[-1],)

    def forward(self, f):
        norm = self.inputs[0]
        if self.which == "mean":
            return norm.buffers["running_mean"].astype(f.dtype)
        var = norm.buffers["running_var"].astype(f.dtype)
        return 1 / np.sqrt(var + f.dtype.type(norm.eps))


def _dtype_of(node):
    value = getattr(node, "value", None)
    if value is not None:
        return value.dtype
    dtype = getattr(node, "dtype", None)
    return dtype if dtype is not None else np.float32


def running_statistics(features, dtype):
    """Fresh running statistics for `features` channels: mean 0, variance 1."""
    return {"running_mean": np.zeros(features, dtype=dtype), "running_var": np.ones(features, dtype=dtype)}


def batch_norm(x, gamma, beta, momentum=0.1, eps=1e-5, buffers=None, layout="NHWC", kernels=None, name=None):
    """Batch normalisation of `x` over all axes but the channels' (see BatchNormalization).

    `buffers` is a dict of running statistics to use (and update); by default
    the node makes its own. With layout="NHWC" (the default, faster) the
    channels are the last axis; with PyTorch's "NCHW" images are
    (N, C, H, W), seen as NHWC through moveaxis nodes (views, see
    nodes.common.layout). An (N, C) input is the same in both layouts.
    `kernels` chooses numpy's or the compiled path (see BatchNormalization).
    """
    return _wired(x, gamma, beta, momentum, eps, buffers, layout, kernels, name)[1]


def _wired(x, gamma, beta, momentum, eps, buffers, layout, kernels, name):
    """(the BatchNormalization node, the output in `layout`)."""
    node = BatchNormalization(to_nhwc(x, layout), gamma, beta, momentum=momentum, eps=eps, buffers=buffers,
                              kernels=kernels, name=name)
    return node, from_nhwc(node, layout)


class BatchNorm(Block):
    """Batch normalisation with parameters `<name>.gamma` (ones) and `<name>.beta` (zeros).

    `features` is the number of channels (the last axis). Calling the layer
    on a node wires `<name>.batch_norm`. The running statistics belong to
    the block (`self.buffers`), so every call of it, in training and in
    evaluation graphs alike, uses and updates the same ones; checkpoints keep
    them under `<name>.batch_norm`. `self.node` is the node of the latest call.
    `layout` is "NHWC" (channels last, the default) or PyTorch's "NCHW"
    (see batch_norm); `kernels` chooses numpy's or the compiled path for
    every call (see BatchNormalization).

    PyTorch: `nn.BatchNorm1d(features)` for (N, C) inputs, `nn.BatchNorm2d`
    for images (the same numbers on NCHW), with the same eps and momentum:
    `weight` and `bias` are gamma and beta, `running_mean` and `running_var`
    the running statistics. PyTorch's `num_batches_tracked` counts batches
    only for its `momentum=None` (a cumulative average), which nodegrad does
    not have: it is written as 0 and its value is ignored on loading.
    """

    default_name = "batch_norm"

    def __init__(self, features, name=None, momentum=0.1, eps=1e-5, layout="NHWC", kernels=None):
        super().__init__(name)
        self.features = int(features)
        self.momentum, self.eps, self.kernels = momentum, eps, kernels
        self.layout = check_layout(layout)
        self.node = None
        self.gamma = Parameter(np.ones(self.features))
        self.beta = Parameter(np.zeros(self.features))
        self.buffers = running_statistics(self.features, self.gamma.value.dtype)

    def wire(self, x):
        """The batch normalisation node of x, on the block's parameters and running statistics."""
        self.node, out = _wired(x, self.gamma, self.beta, self.momentum, self.eps, self.buffers, self.layout,
                                self.kernels, "batch_norm")
        self.node.buffer_name = f"{self.name}.batch_norm"
        return out

    def own_buffers(self):
        """The running statistics, under the node's name as in checkpoints: `batch_norm.running_mean`..."""
        return {f"batch_norm.{key}": value for key, value in self.buffers.items()}

    def export_state(self, state, layout):
        """As nn.BatchNorm2d's state: weight, bias, running_mean, running_var, num_batches_tracked."""
        if layout != "torch":
            return state
        state = rename_keys(state, TORCH_NAMES)
        state["num_batches_tracked"] = np.zeros((), dtype=np.int64)
        return state

    def import_state(self, state, layout):
        """nn.BatchNorm2d's state in nodegrad's names (num_batches_tracked dropped: see the class docstring)."""
        if layout != "torch":
            return state
        state = {k: v for k, v in state.items() if k != "num_batches_tracked"}
        return rename_keys(state, {v: k for k, v in TORCH_NAMES.items()})

    def __repr__(self):
        return f"BatchNorm({self.features}, name={self.name!r})"
