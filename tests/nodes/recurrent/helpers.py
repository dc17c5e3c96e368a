"""Building the recurrent blocks with given weights, and running them forwards and backwards."""

import numpy as np

from autograd import Graph, Input, default_dtype


def set_weights(block, weights, layer=0):
    """Copy {'weight_ih': ..., ...} into the block's parameters of `layer` (stacked) or its own (a cell)."""
    for p in block.parameters():
        key = p.name.rsplit(".", 1)[1]
        key = key[: -len(f"_l{layer}")] if key.endswith(f"_l{layer}") else key
        if key in weights:
            p.value[...] = weights[key]


def random_weights(gates, features, hidden, seed):
    """Weights of one layer in PyTorch's shapes, normal with std 0.5 (not PyTorch's draw: any values do)."""
    rng = np.random.default_rng(seed)
    rows = gates * hidden
    shapes = {"weight_ih": (rows, features), "weight_hh": (rows, hidden), "bias_ih": (rows,), "bias_hh": (rows,)}
    return {k: 0.5 * rng.standard_normal(s) for k, s in shapes.items()}


def run_block(call, arrays, seeds, dtype=np.float64):
    """Wire `call(*inputs)` on float Inputs (each requiring a gradient) for `arrays`, run forward and
    backward seeded with `seeds` (one per root); returns (root values, {input index: grad}, graph)."""
    with default_dtype(dtype):
        inputs = [Input(f"x{k}", shape=np.shape(a), requires_grad=np.asarray(a).dtype.kind == "f",
                        dtype=None if np.asarray(a).dtype.kind == "f" else np.asarray(a).dtype)
                  for k, a in enumerate(arrays)]
        out = call(*inputs)
    roots = list(out) if isinstance(out, (list, tuple)) else [out]
    graph = Graph(*roots)
    values = graph.forward({i: a for i, a in zip(inputs, arrays)})
    values = values if isinstance(values, tuple) else (values,)
    graph.backward(seed=[np.asarray(s, dtype=v.dtype) for s, v in zip(seeds, values)], update=False)
    return [v.copy() for v in values], {k: i.grad for k, i in enumerate(inputs)}, graph


def flat(out):
    """A block's (output, state) flattened into a list of root nodes."""
    roots = []
    for part in out if isinstance(out, (list, tuple)) else (out,):
        roots += flat(part) if isinstance(part, (list, tuple)) else [part]
    return roots
