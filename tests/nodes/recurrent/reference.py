"""One LSTM layer and one GRU layer in plain numpy, forwards and backwards through time, from the equations.

Written step by step from the defining equations (PyTorch's gate order),
independently of the nodes, so that the tests can compare the library's
values and gradients with them. `valid` (N, T) marks the steps that
update the state (a padded step keeps it and outputs 0).
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_forward(x, w_ih, w_hh, b_ih, b_hh, h0, c0, valid=None):
    """Outputs (N, T, H), final h and c, and what the backward needs, for x (N, T, F)."""
    n, steps, _ = x.shape
    hidden = w_hh.shape[1]
    valid = np.ones((n, steps), bool) if valid is None else valid
    h, c = h0, c0
    outputs, tape = np.zeros((n, steps, hidden)), []
    for t in range(steps):
        z = x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i = sigmoid(z[:, :hidden])
        f = sigmoid(z[:, hidden : 2 * hidden])
        g = np.tanh(z[:, 2 * hidden : 3 * hidden])
        o = sigmoid(z[:, 3 * hidden :])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        m = valid[:, t : t + 1]
        tape.append((h, c, i, f, g, o, c_new, m))
        h, c = np.where(m, h_new, h), np.where(m, c_new, c)
        outputs[:, t] = np.where(m, h, 0)
    return outputs, h, c, tape


def lstm_backward(x, w_ih, w_hh, tape, d_outputs, d_h, d_c):
    """Gradients of G = sum(d_outputs * outputs) + sum(d_h * h_T) + sum(d_c * c_T) by the chain rule, step by step.

    Returns dx, dW_ih, dW_hh, db (one array: b_ih and b_hh get the same), dh0, dc0.
    """
    steps = x.shape[1]
    dx = np.zeros_like(x)
    dw_ih, dw_hh = np.zeros_like(w_ih), np.zeros_like(w_hh)
    db = np.zeros(w_ih.shape[0])
    dh, dc = d_h.copy(), d_c.copy()  # dG/d(state after step t), travelling back
    for t in reversed(range(steps)):
        h, c, i, f, g, o, c_new, m = tape[t]
        dh = dh + np.where(m, d_outputs[:, t], 0)
        # the state after step t is where(m, new, old): new gets dh * m, old keeps dh * (1 - m)
        dh_new, dc_new = dh * m, dc * m
        dc_new = dc_new + dh_new * o * (1 - np.tanh(c_new) ** 2)
        dz = np.concatenate([
            dc_new * g * i * (1 - i),           # i
            dc_new * c * f * (1 - f),           # f
            dc_new * i * (1 - g**2),            # g
            dh_new * np.tanh(c_new) * o * (1 - o),  # o
        ], axis=1)
        dx[:, t] = dz @ w_ih
        dw_ih += dz.T @ x[:, t]
        dw_hh += dz.T @ h
        db += dz.sum(axis=0)
        dh = dh * (1 - m) + dz @ w_hh
        dc = dc * (1 - m) + dc_new * f
    return dx, dw_ih, dw_hh, db, dh, dc


def gru_forward(x, w_ih, w_hh, b_ih, b_hh, h0, valid=None):
    """Outputs (N, T, H), final h, and what the backward needs, for x (N, T, F)."""
    n, steps, _ = x.shape
    hidden = w_hh.shape[1]
    valid = np.ones((n, steps), bool) if valid is None else valid
    h = h0
    outputs, tape = np.zeros((n, steps, hidden)), []
    for t in range(steps):
        a = x[:, t] @ w_ih.T + b_ih
        b = h @ w_hh.T + b_hh
        r = sigmoid(a[:, :hidden] + b[:, :hidden])
        z = sigmoid(a[:, hidden : 2 * hidden] + b[:, hidden : 2 * hidden])
        cand = np.tanh(a[:, 2 * hidden :] + r * b[:, 2 * hidden :])
        h_new = (1 - z) * cand + z * h
        m = valid[:, t : t + 1]
        tape.append((h, r, z, cand, b[:, 2 * hidden :], m))
        h = np.where(m, h_new, h)
        outputs[:, t] = np.where(m, h, 0)
    return outputs, h, tape


def gru_backward(x, w_ih, w_hh, tape, d_outputs, d_h):
    """Gradients of G = sum(d_outputs * outputs) + sum(d_h * h_T), step by step.

    Returns dx, dW_ih, dW_hh, db_ih, db_hh, dh0.
    """
    steps = x.shape[1]
    dx = np.zeros_like(x)
    dw_ih, dw_hh = np.zeros_like(w_ih), np.zeros_like(w_hh)
    db_ih, db_hh = np.zeros(w_ih.shape[0]), np.zeros(w_hh.shape[0])
    dh = d_h.copy()
    for t in reversed(range(steps)):
        h, r, z, cand, b_n, m = tape[t]
        dh = dh + np.where(m, d_outputs[:, t], 0)
        dh_new = dh * m
        d_cand_pre = dh_new * (1 - z) * (1 - cand**2)  # through n = tanh(a_n + r b_n)
        da = np.concatenate([
            d_cand_pre * b_n * r * (1 - r),     # r
            dh_new * (h - cand) * z * (1 - z),  # z
            d_cand_pre,                         # n
        ], axis=1)
        dbb = da.copy()
        dbb[:, 2 * h.shape[1] :] = d_cand_pre * r  # b_n enters multiplied by r
        dx[:, t] = da @ w_ih
        dw_ih += da.T @ x[:, t]
        dw_hh += dbb.T @ h
        db_ih += da.sum(axis=0)
        db_hh += dbb.sum(axis=0)
        dh = dh * (1 - m) + dh_new * z + dbb @ w_hh
    return dx, dw_ih, dw_hh, db_ih, db_hh, dh
