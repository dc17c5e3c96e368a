"""PyTorch's modules written out in plain numpy from their documented definitions, for the layout tests.

Each function takes a state dict in PyTorch's names and layouts (what
`module.state_dict()` holds, as numpy arrays) and inputs in PyTorch's
layouts (NCHW images, (N, T, E) tokens with batch_first=True), and computes
what the module's forward does in eval mode. Nothing here uses nodegrad.
"""

import math

import numpy as np
from scipy import special


def linear(state, x, prefix=""):
    """nn.Linear: y = x W^T + b."""
    y = x @ state[prefix + "weight"].T
    return y + state[prefix + "bias"] if prefix + "bias" in state else y


def conv2d(state, x, stride=1, padding=0, dilation=1, groups=1, prefix=""):
    """nn.Conv2d on NCHW images, for output channel o of group g:

    out[n, o, i, j] = b[o] + sum_{c, u, v} W[o, c, u, v] x_pad[n, g C_g + c, s i + d u, s j + d v].
    """
    w = state[prefix + "weight"]
    out_channels, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, width = xp.shape
    ho = (h - dilation * (kh - 1) - 1) // stride + 1
    wo = (width - dilation * (kw - 1) - 1) // stride + 1
    og = out_channels // groups
    y = np.zeros((n, out_channels, ho, wo))
    for g in range(groups):
        xg = xp[:, g * cg : (g + 1) * cg]
        wg = w[g * og : (g + 1) * og]
        for u in range(kh):
            for v in range(kw):
                window = xg[:, :, u * dilation : u * dilation + stride * (ho - 1) + 1 : stride,
                            v * dilation : v * dilation + stride * (wo - 1) + 1 : stride]
                y[:, g * og : (g + 1) * og] += np.einsum("nchw,oc->nohw", window, wg[:, :, u, v])
    if prefix + "bias" in state:
        y += state[prefix + "bias"][None, :, None, None]
    return y


def batch_norm_eval(state, x, eps=1e-5, prefix=""):
    """nn.BatchNorm1d/2d in eval mode, channels on axis 1: (x - running_mean) / sqrt(running_var + eps) w + b."""
    shape = (1, -1) + (1,) * (x.ndim - 2)

    def per_channel(key):
        return state[prefix + key].reshape(shape)

    return (x - per_channel("running_mean")) / np.sqrt(per_channel("running_var") + eps) * per_channel(
        "weight") + per_channel("bias")


def layer_norm(state, x, eps=1e-5, prefix=""):
    """nn.LayerNorm over the last axis: (x - mean) / sqrt(biased var + eps) w + b."""
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * state[prefix + "weight"] + state[prefix + "bias"]


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def multihead_attention(state, x, heads, prefix=""):
    """nn.MultiheadAttention(E, heads, batch_first=True)(x, x, x)[0] with the packed in_proj."""
    n, t, e = x.shape
    d = e // heads
    w, b = state[prefix + "in_proj_weight"], state[prefix + "in_proj_bias"]
    q, k, v = (x @ w[i * e : (i + 1) * e].T + b[i * e : (i + 1) * e] for i in range(3))

    def split(a):
        return a.reshape(n, t, heads, d).transpose(0, 2, 1, 3)

    scores = split(q) @ split(k).transpose(0, 1, 3, 2) / math.sqrt(d)
    o = (softmax(scores) @ split(v)).transpose(0, 2, 1, 3).reshape(n, t, e)
    return linear(state, o, prefix + "out_proj.")


def gelu(x):
    """F.gelu(x), the exact form: x Phi(x) = 0.5 x (1 + erf(x / sqrt(2)))."""
    return 0.5 * x * (1 + special.erf(x / math.sqrt(2)))


def encoder_layer_norm_first(state, x, heads, prefix=""):
    """nn.TransformerEncoderLayer(norm_first=True, dropout=0, activation="gelu" (exact), batch_first=True).

    x = x + self_attn(norm1(x));  x = x + linear2(gelu(linear1(norm2(x)))).
    """
    x = x + multihead_attention(state, layer_norm(state, x, prefix=prefix + "norm1."), heads, prefix + "self_attn.")
    hidden = gelu(linear(state, layer_norm(state, x, prefix=prefix + "norm2."), prefix + "linear1."))
    return x + linear(state, hidden, prefix + "linear2.")


def max_pool2(x):
    """F.max_pool2d(x, 2) on NCHW with even sides."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def relu(x):
    return np.maximum(x, 0)
