"""Run nodegrad's PyTorch-defined operations and blocks beside PyTorch itself, in float64, and print the differences.

The test suite checks every such operation against PyTorch's documented
definitions written out in numpy (PyTorch is not a dependency). This script
closes the loop where PyTorch is installed (`pip install torch`): each block
is loaded from a real PyTorch module's state dict (`layout="torch"`), each
operation is fed the same random float64 input, and the largest absolute
difference of the outputs is printed. It exits with status 1 if any
difference exceeds 1e-10.

    python scripts/compare_with_torch.py
"""

import sys

import numpy as np

import autograd as ag
import nodes as nd

TOLERANCE = 1e-10


def _state(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _run(root, feeds):
    return ag.Graph(root).eval().forward(feeds, grad=False)


def _block_difference(block, module, x):
    """Load `module`'s weights into `block`, run both on x, return the largest difference."""
    import torch

    block.load_state_dict(_state(module), layout="torch")
    node = ag.Input("x", shape=(None, *x.shape[1:]))
    theirs = module(torch.tensor(x))
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    return float(np.abs(_run(block(node), {node: x}) - theirs.detach().numpy()).max())


def block_cases(rng):
    """(name, nodegrad block, PyTorch module, input) for the blocks that port from PyTorch."""
    import torch

    cases = [
        (kind, getattr(nd, kind)(5, 4, num_layers=2, name=kind.lower()),
         getattr(torch.nn, kind)(5, 4, num_layers=2, batch_first=True), rng.standard_normal((3, 6, 5)))
        for kind in ("RNN", "LSTM", "GRU")
    ]
    cases.append(("Linear", nd.Linear(5, 3, name="fc"), torch.nn.Linear(5, 3), rng.standard_normal((4, 5))))
    cases.append(("Conv2d NCHW", nd.Conv2d(3, 4, 3, padding=1, stride=2, layout="NCHW", name="conv"),
                  torch.nn.Conv2d(3, 4, 3, padding=1, stride=2), rng.standard_normal((2, 3, 9, 9))))
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", batch_first=True,
                                             norm_first=True).eval()
    cases.append(("TransformerBlock", nd.TransformerBlock(8, 2, 16, name="block"), layer,
                  rng.standard_normal((2, 5, 8))))
    return cases


def operation_cases(x):
    """(name, nodegrad function of a node, PyTorch function of a tensor) for elementwise and reducing operations."""
    import torch

    F = torch.nn.functional
    return [
        ("gelu", nd.gelu, F.gelu),
        ("gelu tanh", lambda v: nd.gelu(v, approximate="tanh"), lambda t: F.gelu(t, approximate="tanh")),
        ("softplus", lambda v: nd.softplus(v, beta=2, threshold=5), lambda t: F.softplus(t, beta=2, threshold=5)),
        ("elu", nd.elu, F.elu),
        ("selu", nd.selu, F.selu),
        ("silu", nd.silu, F.silu),
        ("logsumexp", lambda v: nd.logsumexp(v, axis=1), lambda t: torch.logsumexp(t, 1)),
    ]


def cross_entropy_difference(rng):
    """softmax_cross_entropy with class weights, ignore_index and label smoothing against F.cross_entropy."""
    import torch

    logits, labels = rng.standard_normal((6, 5)), np.array([0, 1, 2, 3, 4, 1])
    weight = np.array([1.0, 2.0, 0.5, 1.5, 1.0])
    z, y = ag.Input("z", shape=(None, 5)), ag.Input("y", shape=(None,), dtype=np.int64)
    ours = _run(nd.softmax_cross_entropy(z, y, weight=weight, ignore_index=3, smoothing=0.1), {z: logits, y: labels})
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels), weight=torch.tensor(weight),
                                               ignore_index=3, label_smoothing=0.1)
    return abs(float(ours) - theirs.item())


def differences():
    """{case name: largest absolute difference from PyTorch}."""
    import torch

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(0)
    found = {}
    with ag.default_dtype(np.float64):
        for name, block, module, x in block_cases(rng):
            found[name] = _block_difference(block, module, x)
        x = rng.standard_normal((4, 7)) * 3
        node = ag.Input("x", shape=(None, 7))
        for name, ours, theirs in operation_cases(x):
            found[name] = float(np.abs(_run(ours(node), {node: x}) - theirs(torch.tensor(x)).numpy()).max())
        found["cross-entropy (weights, ignore_index, smoothing)"] = cross_entropy_difference(rng)
    return found


def main():
    try:
        import torch
    except ModuleNotFoundError:
        print("compare_with_torch.py needs PyTorch: pip install torch", file=sys.stderr)
        return 1
    print(f"torch {torch.__version__}, float64; largest absolute difference of the outputs")
    found = differences()
    for name, difference in found.items():
        print(f"  {name:<50} {difference:.1e}")
    worst = max(found.values())
    print(f"worst {worst:.1e} ({'within' if worst <= TOLERANCE else 'ABOVE'} {TOLERANCE:g})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
