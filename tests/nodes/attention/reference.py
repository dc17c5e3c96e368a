"""Loop-by-loop attention, the slow and obvious way, for comparison with the nodes."""

import math

import numpy as np


def attention_loops(q, k, v, mask, g, scale=None):
    """Output softmax(c q k^T) v and dq, dk, dv for the seed g, one query at a time; c = scale or 1 / sqrt(d).

    q (N, H, Tq, d), k (N, H, Tk, d), v (N, H, Tk, dv), mask broadcastable
    to (N, H, Tq, Tk) or None (True = attend). Gradients by the chain rule
    through each scalar score s_j = c q_i . k_j.
    """
    n_batch, heads, tq, d = q.shape
    tk = k.shape[2]
    c = 1.0 / math.sqrt(d) if scale is None else scale
    scores_shape = (n_batch, heads, tq, tk)
    allowed = np.ones(scores_shape, bool) if mask is None else np.broadcast_to(mask, scores_shape)
    out = np.zeros((n_batch, heads, tq, v.shape[3]))
    dq, dk, dv = np.zeros_like(q), np.zeros_like(k), np.zeros_like(v)
    for n in range(n_batch):
        for h in range(heads):
            for i in range(tq):
                keys = [j for j in range(tk) if allowed[n, h, i, j]]
                if not keys:
                    continue  # no key to attend: output 0, no gradient
                scores = [c * sum(q[n, h, i, e] * k[n, h, j, e] for e in range(d)) for j in keys]
                top = max(scores)
                weights = [math.exp(s - top) for s in scores]
                total = sum(weights)
                p = [w / total for w in weights]
                for pj, j in zip(p, keys):
                    out[n, h, i] += pj * v[n, h, j]
                # dG/dp_j = g_i . v_j; dG/ds_j = p_j (dG/dp_j - sum_l p_l dG/dp_l)
                dp = [float(np.dot(g[n, h, i], v[n, h, j])) for j in keys]
                mean_dp = sum(pj * dpj for pj, dpj in zip(p, dp))
                for pj, dpj, j in zip(p, dp, keys):
                    dv[n, h, j] += pj * g[n, h, i]
                    ds = pj * (dpj - mean_dp)
                    dq[n, h, i] += ds * c * k[n, h, j]
                    dk[n, h, j] += ds * c * q[n, h, i]
    return out, dq, dk, dv
