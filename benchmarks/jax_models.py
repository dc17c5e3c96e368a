"""The MLP and CNN benchmarks in JAX (optional; JAX is not a dependency of nodegrad).

Each is one `jax.jit`-compiled training step on the CPU (loss, `jax.grad`,
SGD update), from the same initial weights as the other implementations, on
the same batches. JAX dispatches asynchronously, so a step waits for its
updated weights (`block_until_ready`) before it returns: a timed step is a
finished step. Both batch shapes of an epoch (64 and the remainder) are
compiled when the step is built, by calling the step once per shape and
dropping the result (a jitted step has no side effects).
Not done in JAX: the chain, the ViT and the LSTM (their rows have jax: null).
"""

import numpy as np

from . import timing


def _stepper(loss, params, x, y, lr):
    import jax

    @jax.jit
    def update(params, xb, yb):
        value, grads = jax.value_and_grad(loss)(params, xb, yb)
        return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), value

    labels = y.astype(np.int32)
    for i, j in {(j - i): (i, j) for i, j in timing.batches(0, len(x))}.values():
        jax.block_until_ready(update(params, x[i:j], labels[i:j]))  # compile every batch shape
    state = {"params": params}

    def step(i, j):
        state["params"], value = update(state["params"], x[i:j], labels[i:j])
        jax.block_until_ready(state["params"])
        return float(value)

    return step


def _cross_entropy(logits, labels):
    import jax
    import jax.numpy as jnp

    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], axis=1))


def mlp_stepper(x, y, weights, lr):
    """The MLP 784-256-10 (benchmarks.mlp) as a jitted SGD step(i, j); `weights` = (w1, b1, w2, b2)."""
    import jax.numpy as jnp

    def loss(params, xb, yb):
        w1, b1, w2, b2 = params
        return _cross_entropy(jnp.maximum(xb @ w1 + b1, 0) @ w2 + b2, yb)

    return _stepper(loss, tuple(jnp.asarray(w) for w in weights), x, y, lr)


def cnn_stepper(x, y, weights, lr):
    """The LeNet-like CNN (benchmarks.cnn; NHWC, HWIO weights) as a jitted SGD step(i, j)."""
    import jax.numpy as jnp
    from jax import lax

    def conv(h, w, b):
        return lax.conv_general_dilated(h, w, (1, 1), ((1, 1), (1, 1)),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC")) + b

    def pool(h):
        return lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def loss(p, xb, yb):
        h = jnp.maximum(pool(conv(xb, p["w1"], p["b1"])), 0)
        h = jnp.maximum(pool(conv(h, p["w2"], p["b2"])), 0)
        return _cross_entropy(h.reshape(len(xb), -1) @ p["w3"] + p["b3"], yb)

    return _stepper(loss, {k: jnp.asarray(v) for k, v in weights.items()}, x, y, lr)
