"""One Hessian-vector product of the MLP 784-256-10's loss next to one training step of it (batch 64, float32).

What is timed, each the best of `repeats` interleaved calls on the same batch:

- `step`: one training step, `graph.forward(feeds)` then `graph.backward()`
  (the gradients and the SGD update of the four parameters);
- `hvp`: one `ag.hvp(loss, parameters, vectors)` right after a forward pass
  of the same graph on the same batch (that forward pass is not timed). It
  is everything an HVP needs once the loss has been computed: wiring the
  backward pass as nodes (each node's vjp), computing those nodes, the
  scalar <gradient, v> and the backward pass through it all;
- `hvp_with_forward`: the forward pass and the HVP together, for reference.

The row's `hvp_ratio` is hvp / step (the issue's target: at most 4).
"""

import time

import numpy as np

import autograd as ag
import nodes as nd

from .mlp import LR, fake_mnist

SIZES, BATCH = (784, 256, 10), 64


def build(sizes=SIZES, seed=0, dtype=np.float32):
    """The MLP sizes[0]-sizes[1]-sizes[2] (ReLU, softmax cross-entropy) as (graph, images, labels, loss, params)."""
    rng = np.random.default_rng(seed)
    with ag.default_dtype(dtype):
        images = ag.Input("images", shape=(None, sizes[0]))
        labels = ag.Input("labels", shape=(None,), dtype=np.int64)
        fc1 = nd.Linear(sizes[0], sizes[1], name="fc1", rng=rng)
        fc2 = nd.Linear(sizes[1], sizes[2], name="fc2", rng=rng)
        loss = nd.softmax_cross_entropy(fc2(nd.relu(fc1(images))), labels)
    params = [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
    return ag.Graph(loss, rule=ag.SGD(LR)), images, labels, loss, params


def _best(functions, repeats):
    """The best seconds of each function over `repeats` rounds, the functions taking turns within a round."""
    best = dict.fromkeys(functions, float("inf"))
    for r in range(repeats):
        for name in list(functions)[:: 1 if r % 2 else -1]:
            prepare, timed = functions[name]
            prepare()
            start = time.perf_counter()
            timed()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def run(sizes=SIZES, batch=BATCH, repeats=200, seed=0):
    """Time a step, an HVP and forward + HVP (see the module docstring); returns the benchmark row."""
    xb, yb = fake_mnist(batch, seed)
    xb = np.ascontiguousarray(xb[:, : sizes[0]])
    yb = yb % sizes[2]
    train, images, labels, _, _ = build(sizes, seed)
    probe, p_images, p_labels, loss, params = build(sizes, seed)
    rng = np.random.default_rng(seed + 1)
    vectors = [rng.standard_normal(p.value.shape).astype(p.value.dtype) for p in params]

    def step():
        train.forward({images: xb, labels: yb})
        train.backward()

    def forward():
        probe.forward({p_images: xb, p_labels: yb})

    def product():
        ag.hvp(loss, params, vectors)

    def nothing():
        pass

    for _ in range(3):  # untimed warm-up: allocations and caches
        step()
        forward()
        product()
    best = _best({"step": (nothing, step), "hvp": (forward, product),
                  "hvp_with_forward": (nothing, lambda: (forward(), product()))}, repeats)
    name = f"HVP vs step, MLP {'-'.join(map(str, sizes))}, batch {batch}"
    return {"name": name, **best, "hvp_ratio": best["hvp"] / best["step"]}
