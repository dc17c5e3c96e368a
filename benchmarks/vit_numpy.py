"""The tiny vision transformer of benchmarks/vit.py written by hand in numpy.

No graph machinery: one function computes the loss and every gradient, in
the same float32 arithmetic as the nodegrad model, so the benchmark compares
the engine's overhead with code a careful person would write by hand. The
parameters are a dict keyed by the nodegrad model's parameter names (the
`vit.` prefix removed), so both start from the same weights and the test
suite can check that they compute the same gradients.

Model: 28x28 images -> 16 patches of 7x7 -> Linear 49->D -> + positions ->
pre-norm blocks (LayerNorm, H-head self-attention, LayerNorm, MLP D-2D-D
with tanh-GELU) -> mean over tokens -> Linear D->10 -> softmax cross-entropy.
"""

import math

import numpy as np

GELU_C, GELU_A, LN_EPS = math.sqrt(2.0 / math.pi), 0.044715, 1e-5
IMAGE, PATCH = 28, 7
GRID = IMAGE // PATCH
TOKENS = GRID * GRID


def row_mean(x):
    """Mean over the last axis, keeping it (size 1): a matrix-vector product, faster than x.mean(axis=-1)."""
    return (x @ np.full(x.shape[-1], 1.0 / x.shape[-1], dtype=x.dtype))[..., None]


def layer_norm(x, gamma, beta):
    """Forward over the last axis; returns the output and what backward needs."""
    centred = x - row_mean(x)
    var = row_mean(centred * centred)
    inv_std = 1 / np.sqrt(var + var.dtype.type(LN_EPS))  # a numpy scalar keeps float32
    xh = centred * inv_std
    return xh * gamma + beta, (xh, inv_std, gamma)


def layer_norm_backward(g, saved, ones):
    xh, inv_std, gamma = saved
    d = g * gamma
    dx = d - row_mean(d)
    dx -= xh * row_mean(d * xh)
    dx *= inv_std
    return dx, ones @ (g * xh), ones @ g


def softmax_rows(s):
    """Softmax over the last axis, in place."""
    s -= s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    return s


class NumpyViT:
    """Parameters, `loss_and_grads(x, y)` and an Adam step, for `blocks` blocks of `heads` heads.

    `dtype` is float32 for the benchmark; the tests compare with nodegrad in float64.
    """

    def __init__(self, params, blocks=2, heads=4, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, dtype=np.float32):
        self.dtype = np.dtype(dtype)
        self.params = {k: np.array(v, dtype=dtype) for k, v in params.items()}
        self.blocks, self.heads = blocks, heads
        self.dim = self.params["positions.positions"].shape[1]
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def loss_and_grads(self, x, y):
        p = self.params
        n, t, dim, heads = len(x), TOKENS, self.dim, self.heads
        d = dim // heads
        scale = 1.0 / math.sqrt(d)
        ones = np.ones(n * t, self.dtype)  # a BLAS row of ones sums the rows (bias gradients)
        grads = {}

        # -- forward ----------------------------------------------------------
        patches = x.reshape(n, GRID, PATCH, GRID, PATCH).transpose(0, 1, 3, 2, 4).reshape(n * t, PATCH * PATCH)
        h = patches @ p["patch_embed.proj.weight"]
        h += p["patch_embed.proj.bias"]
        h.reshape(n, t, dim)[...] += p["positions.positions"]
        caches = []
        for b in range(1, self.blocks + 1):
            w = f"block{b}."
            a, ln1 = layer_norm(h, p[w + "ln1.gamma"], p[w + "ln1.beta"])
            proj = []
            for name in ("q", "k", "v"):
                z = a @ p[f"{w}attn.{name}.weight"]
                if name != "k":  # the keys have no bias (the softmax would cancel it)
                    z += p[f"{w}attn.{name}.bias"]
                proj.append(z.reshape(n, t, heads, d).transpose(0, 2, 1, 3))
            q, k, v = proj
            s = q @ k.swapaxes(-1, -2)
            s *= scale
            att = softmax_rows(s)
            merged = (att @ v).transpose(0, 2, 1, 3).reshape(n * t, dim)
            o = merged @ p[w + "attn.out.weight"]
            o += p[w + "attn.out.bias"]
            h = h + o
            c, ln2 = layer_norm(h, p[w + "ln2.gamma"], p[w + "ln2.beta"])
            u = c @ p[w + "fc1.weight"]
            u += p[w + "fc1.bias"]
            u2 = u * u
            th = np.tanh(GELU_C * u * (1 + GELU_A * u2))
            act = 0.5 * u * (1 + th)
            z = act @ p[w + "fc2.weight"]
            z += p[w + "fc2.bias"]
            h = h + z
            caches.append((a, ln1, q, k, v, att, merged, c, ln2, u, u2, th, act))
        pooled = h.reshape(n, t, dim).mean(axis=1)
        logits = pooled @ p["head.weight"]
        logits += p["head.bias"]

        # -- loss and its gradient -------------------------------------------
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = (np.log(total[:, 0]).sum() - logits[rows, y].sum()) / n
        dlogits = e / total
        dlogits[rows, y] -= 1
        dlogits /= n

        # -- backward ---------------------------------------------------------
        grads["head.weight"] = pooled.T @ dlogits
        grads["head.bias"] = dlogits.sum(axis=0)
        dpooled = (dlogits @ p["head.weight"].T) / t
        dh = np.broadcast_to(dpooled[:, None, :], (n, t, dim)).reshape(n * t, dim)
        for b in range(self.blocks, 0, -1):
            w = f"block{b}."
            a, ln1, q, k, v, att, merged, c, ln2, u, u2, th, act = caches[b - 1]
            # MLP: z = gelu(c W1 + b1) W2 + b2
            grads[w + "fc2.weight"] = act.T @ dh
            grads[w + "fc2.bias"] = ones @ dh
            dact = dh @ p[w + "fc2.weight"].T
            slope = 0.5 * (1 + th) + 0.5 * u * (1 - th * th) * (GELU_C * (1 + 3 * GELU_A * u2))
            du = dact * slope
            grads[w + "fc1.weight"] = c.T @ du
            grads[w + "fc1.bias"] = ones @ du
            dx, grads[w + "ln2.gamma"], grads[w + "ln2.beta"] = layer_norm_backward(
                du @ p[w + "fc1.weight"].T, ln2, ones
            )
            dh = dh + dx
            # attention: o = merge(softmax(q k^T / sqrt(d)) v) Wo + bo
            grads[w + "attn.out.weight"] = merged.T @ dh
            grads[w + "attn.out.bias"] = ones @ dh
            dmerged = (dh @ p[w + "attn.out.weight"].T).reshape(n, t, heads, d).transpose(0, 2, 1, 3)
            dv = att.swapaxes(-1, -2) @ dmerged
            ds = dmerged @ v.swapaxes(-1, -2)
            ds -= np.sum(ds * att, axis=-1, keepdims=True)
            ds *= att
            ds *= scale
            dq, dk = ds @ k, ds.swapaxes(-1, -2) @ q
            da = None
            for name, dz in (("q", dq), ("k", dk), ("v", dv)):
                dz = dz.transpose(0, 2, 1, 3).reshape(n * t, dim)
                grads[f"{w}attn.{name}.weight"] = a.T @ dz
                if name != "k":
                    grads[f"{w}attn.{name}.bias"] = ones @ dz
                part = dz @ p[f"{w}attn.{name}.weight"].T
                da = part if da is None else da + part
            dx, grads[w + "ln1.gamma"], grads[w + "ln1.beta"] = layer_norm_backward(da, ln1, ones)
            dh = dh + dx
        grads["positions.positions"] = dh.reshape(n, t, dim).sum(axis=0)
        grads["patch_embed.proj.weight"] = patches.T @ dh
        grads["patch_embed.proj.bias"] = ones @ dh
        return loss, grads

    def adam_step(self, grads):
        """Adam with bias correction, in place, the same formula as autograd.Adam."""
        b1, b2 = self.betas
        self.t += 1
        step = self.lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        eps = self.eps * math.sqrt(1 - b2**self.t)
        for name, w in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            w -= step * m / (np.sqrt(v) + eps)

    def train_step(self, x, y):
        loss, grads = self.loss_and_grads(x, y)
        self.adam_step(grads)
        return loss
