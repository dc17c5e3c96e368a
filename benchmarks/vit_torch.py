"""The tiny vision transformer of benchmarks/vit.py in PyTorch (CPU), if torch is installed.

Written with the same parameter layout as the numpy and nodegrad versions
(x @ W + b, W of shape (in, out)) so all three start from the same weights.
PyTorch is only an optional yardstick: nodegrad does not depend on it.
"""

import math

from .vit_numpy import GRID, PATCH, TOKENS


def torch_stepper(params, blocks=2, heads=4, lr=1e-3):
    """A function step(x, y) training on one batch of torch tensors (PyTorch must be installed)."""
    import torch

    F = torch.nn.functional
    weights = {k: torch.nn.Parameter(torch.tensor(v, dtype=torch.float32)) for k, v in params.items()}
    opt = torch.optim.Adam(weights.values(), lr=lr)

    def model(x):
        p = weights
        n, dim = x.shape[0], p["positions.positions"].shape[1]
        d = dim // heads
        patches = x.reshape(n, GRID, PATCH, GRID, PATCH).permute(0, 1, 3, 2, 4).reshape(n, TOKENS, PATCH * PATCH)
        h = patches @ p["patch_embed.proj.weight"] + p["patch_embed.proj.bias"] + p["positions.positions"]
        for b in range(1, blocks + 1):
            w = f"block{b}."
            a = F.layer_norm(h, (dim,), p[w + "ln1.gamma"], p[w + "ln1.beta"], eps=1e-5)
            q = a @ p[w + "attn.q.weight"] + p[w + "attn.q.bias"]
            k = a @ p[w + "attn.k.weight"]  # no key bias, as in the nodegrad model
            v = a @ p[w + "attn.v.weight"] + p[w + "attn.v.bias"]
            q, k, v = (z.reshape(n, TOKENS, heads, d).transpose(1, 2) for z in (q, k, v))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), dim=-1)
            o = (att @ v).transpose(1, 2).reshape(n, TOKENS, dim)
            h = h + o @ p[w + "attn.out.weight"] + p[w + "attn.out.bias"]
            c = F.layer_norm(h, (dim,), p[w + "ln2.gamma"], p[w + "ln2.beta"], eps=1e-5)
            u = F.gelu(c @ p[w + "fc1.weight"] + p[w + "fc1.bias"], approximate="tanh")
            h = h + u @ p[w + "fc2.weight"] + p[w + "fc2.bias"]
        return h.mean(dim=1) @ p["head.weight"] + p["head.bias"]

    def step(x, y):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step
