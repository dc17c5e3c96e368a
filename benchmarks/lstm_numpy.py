"""The row-by-row LSTM of benchmarks/lstm.py written by hand in numpy.

No graph machinery: one function computes the loss and every gradient, in
float32, the way a careful person would write it: the input projections of
all steps as one matmul, the recurrence step by step (one hidden matmul and
the gate maths in place), backpropagation through time step by step, and
the weight gradients of all steps as one matmul each. The parameters are a
dict keyed by the nodegrad model's names, so both start from the same
weights and the tests can check that they compute the same gradients.

Model: x (N, T, F) -> LSTM F->H (PyTorch's layout, gates i, f, g, o) -> h_T
-> Linear H->10 -> softmax cross-entropy.
"""

import numpy as np

from .vit_numpy import NumpyViT

LSTM = "lstm."


def sigmoid_(z):
    """1 / (1 + exp(-z)) in place (z may be a view)."""
    np.negative(z, out=z)
    with np.errstate(over="ignore"):
        np.exp(z, out=z)
    z += 1
    np.reciprocal(z, out=z)


class NumpyLSTM:
    """Parameters, `loss_and_grads(x, y)` and an Adam step (the formula of autograd.Adam)."""

    adam_step = NumpyViT.adam_step

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, dtype=np.float32):
        self.dtype = np.dtype(dtype)
        self.params = {k: np.array(v, dtype=dtype) for k, v in params.items()}
        self.hidden = self.params[LSTM + "weight_hh_l0"].shape[1]
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def loss_and_grads(self, x, y):
        p, n, (steps, features), h = self.params, len(x), x.shape[1:], self.hidden
        w_ih, w_hh = p[LSTM + "weight_ih_l0"], p[LSTM + "weight_hh_l0"]
        # -- forward: every input projection at once, then the recurrence --------------
        xs = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(steps * n, features)  # time-major rows
        acts = (xs @ w_ih.T).reshape(steps, n, 4 * h)
        acts += p[LSTM + "bias_ih_l0"] + p[LSTM + "bias_hh_l0"]
        hs, cs = np.zeros((steps + 1, n, h), self.dtype), np.zeros((steps + 1, n, h), self.dtype)
        tanh_cs = np.empty((steps, n, h), self.dtype)
        for t in range(steps):
            z = acts[t]
            z += hs[t] @ w_hh.T
            sigmoid_(z[:, : 2 * h])
            np.tanh(z[:, 2 * h : 3 * h], out=z[:, 2 * h : 3 * h])
            sigmoid_(z[:, 3 * h :])
            np.multiply(z[:, h : 2 * h], cs[t], out=cs[t + 1])
            cs[t + 1] += z[:, :h] * z[:, 2 * h : 3 * h]
            np.tanh(cs[t + 1], out=tanh_cs[t])
            np.multiply(z[:, 3 * h :], tanh_cs[t], out=hs[t + 1])
        logits = hs[steps] @ p["classifier.weight"]
        logits += p["classifier.bias"]
        # -- loss and its gradient ---------------------------------------------------
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = (np.log(total[:, 0]).sum() - logits[rows, y].sum()) / n
        dlogits = e / total
        dlogits[rows, y] -= 1
        dlogits /= n
        grads = {"classifier.weight": hs[steps].T @ dlogits, "classifier.bias": dlogits.sum(axis=0)}
        # -- backward through time ---------------------------------------------------
        dh = dlogits @ p["classifier.weight"].T
        dc = np.zeros_like(dh)
        dz = np.empty_like(acts)
        for t in reversed(range(steps)):
            z, d = acts[t], dz[t]
            i, f, g, o = z[:, :h], z[:, h : 2 * h], z[:, 2 * h : 3 * h], z[:, 3 * h :]
            dc += dh * o * (1 - tanh_cs[t] * tanh_cs[t])
            np.multiply(dc * g, i * (1 - i), out=d[:, :h])
            np.multiply(dc * cs[t], f * (1 - f), out=d[:, h : 2 * h])
            np.multiply(dc * i, 1 - g * g, out=d[:, 2 * h : 3 * h])
            np.multiply(dh * tanh_cs[t], o * (1 - o), out=d[:, 3 * h :])
            dh = d @ w_hh
            dc *= f
        dz_rows = dz.reshape(steps * n, 4 * h)
        grads[LSTM + "weight_ih_l0"] = dz_rows.T @ xs
        grads[LSTM + "weight_hh_l0"] = dz_rows.T @ hs[:steps].reshape(steps * n, h)
        grads[LSTM + "bias_ih_l0"] = grads[LSTM + "bias_hh_l0"] = dz_rows.sum(axis=0)
        return loss, grads

    def train_step(self, x, y):
        """One Adam step on the batch; returns the loss before it."""
        loss, grads = self.loss_and_grads(x, y)
        self.adam_step(grads)
        return loss
