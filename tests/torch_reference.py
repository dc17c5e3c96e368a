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


# -- recurrent layers: nn.RNN, nn.LSTM, nn.GRU with batch_first=True ----------------------------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _weights(state, k, gates):
    """Layer k's (W_ih, W_hh, b_ih, b_hh), each split into its gate blocks; zero biases under bias=False."""
    w_ih, w_hh = state[f"weight_ih_l{k}"], state[f"weight_hh_l{k}"]
    zeros = np.zeros(len(w_ih))
    b_ih, b_hh = state.get(f"bias_ih_l{k}", zeros), state.get(f"bias_hh_l{k}", zeros)
    return tuple(np.split(a, gates) for a in (w_ih, w_hh, b_ih, b_hh))


def _stacked(state, x, num_layers, gates, step, initial):
    """Run `step(weights, x_t, carry) -> carry` over the T steps of x (N, T, F), layer after layer.

    `initial` is the tuple of initial states, each (num_layers, N, H); the carry's first part is h.
    Returns the top layer's outputs (N, T, H) and the final states, each (num_layers, N, H).
    """
    finals = []
    for k in range(num_layers):
        weights = _weights(state, k, gates)
        carry = tuple(part[k] for part in initial)
        outputs = []
        for t in range(x.shape[1]):
            carry = step(weights, x[:, t], carry)
            outputs.append(carry[0])
        x = np.stack(outputs, axis=1)
        finals.append(carry)
    return x, tuple(np.stack([f[j] for f in finals]) for j in range(len(initial)))


def rnn(state, x, h0, num_layers=1, nonlinearity="tanh"):
    """nn.RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); returns (output, h_n)."""
    act = np.tanh if nonlinearity == "tanh" else relu

    def step(weights, x_t, carry):
        ((w_ih,), (w_hh,), (b_ih,), (b_hh,)), (h,) = weights, carry
        return (act(x_t @ w_ih.T + b_ih + h @ w_hh.T + b_hh),)

    out, (h_n,) = _stacked(state, x, num_layers, 1, step, (h0,))
    return out, h_n


def lstm(state, x, h0, c0, num_layers=1):
    """nn.LSTM, gate blocks i, f, g, o of the rows:

    i = sigmoid(W_ii x + b_ii + W_hi h + b_hi), f and o alike, g = tanh(W_ig x + b_ig + W_hg h + b_hg),
    c' = f c + i g, h' = o tanh(c'); returns (output, (h_n, c_n)).
    """

    def step(weights, x_t, carry):
        (w_ih, w_hh, b_ih, b_hh), (h, c) = weights, carry
        i, f, g, o = (x_t @ w_ih[j].T + b_ih[j] + h @ w_hh[j].T + b_hh[j] for j in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c), c

    out, (h_n, c_n) = _stacked(state, x, num_layers, 4, step, (h0, c0))
    return out, (h_n, c_n)


def gru(state, x, h0, num_layers=1):
    """nn.GRU, gate blocks r, z, n of the rows:

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h; returns (output, h_n).
    """

    def step(weights, x_t, carry):
        (w_ih, w_hh, b_ih, b_hh), (h,) = weights, carry
        r = sigmoid(x_t @ w_ih[0].T + b_ih[0] + h @ w_hh[0].T + b_hh[0])
        z = sigmoid(x_t @ w_ih[1].T + b_ih[1] + h @ w_hh[1].T + b_hh[1])
        n = np.tanh(x_t @ w_ih[2].T + b_ih[2] + r * (h @ w_hh[2].T + b_hh[2]))
        return ((1 - z) * n + z * h,)

    out, (h_n,) = _stacked(state, x, num_layers, 3, step, (h0,))
    return out, h_n
