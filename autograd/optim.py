"""Update rules. A rule holds hyper-parameters only; the per-parameter state
(momentum buffers, Adam moments, step count) lives in `Parameter.state`, so a
parameter owns its update and its optimizer state travels with it.

Each rule's `update(w, g, state, lr)` changes the array `w` in place.
"""

import numpy as np


class SGD:
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Plain:     w <- w - lr * g
    Momentum:  v <- mu * v + g;  w <- w - lr * v
    Nesterov:  v <- mu * v + g;  w <- w - lr * (g + mu * v)
    `weight_decay` adds wd * w to g first (L2 regularisation).
    """

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False, weight_decay=0.0):
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError("lr, momentum and weight_decay must be non-negative")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay

    def update(self, w, g, state, lr):
        if self.weight_decay:
            g = g + self.weight_decay * w
        if not self.momentum:
            w -= lr * g
            return
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = np.zeros_like(w)
        v *= self.momentum
        v += g
        w -= lr * (g + self.momentum * v) if self.nesterov else lr * v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, nesterov={self.nesterov})"


class Adam:
    """Adam (Kingma and Ba, 2015), with decoupled weight decay (AdamW) if asked.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        if lr < 0 or eps <= 0 or weight_decay < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("Adam needs lr >= 0, eps > 0, weight_decay >= 0 and betas in [0, 1)")
        self.lr = lr
        self.betas = tuple(betas)
        self.eps = eps
        self.weight_decay = weight_decay

    def update(self, w, g, state, lr):
        b1, b2 = self.betas
        if "m" not in state:
            state["m"] = np.zeros_like(w)
            state["v"] = np.zeros_like(w)
            state["t"] = np.zeros((), dtype=np.int64)
        m, v = state["m"], state["v"]
        state["t"] += 1
        t = int(state["t"])
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        step = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        if self.weight_decay:
            w -= lr * self.weight_decay * w
        w -= step * m / (np.sqrt(v) + self.eps * np.sqrt(1 - b2**t))

    def __repr__(self):
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay})"
