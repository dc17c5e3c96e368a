"""Every node class in the library appears in at least one gradient-check case, and has second derivatives.

A node class has a `vjp` (its backward built of nodes) and passes a
second-order gradient check on one of its cases, or it is in
FIRST_ORDER_ONLY and says why in `first_order_only`. Classes that are not
differentiable (indicators, masks, indices, the zero state) never take part
in a backward pass, of either order, and are not listed.
"""

import functools
import importlib
import inspect
import math
import pkgutil

import numpy as np

import nodes
import tests.nodes
from autograd import Leaf, Node
from tests.nodes.gradcases import check_gradients

#: The node classes without a vjp on purpose, each with its reason in `first_order_only` (none at present).
FIRST_ORDER_ONLY = set()


def _library_node_classes():
    found = set()
    for info in pkgutil.walk_packages(nodes.__path__, prefix="nodes."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Node)
                and not issubclass(cls, Leaf)
                and cls.__module__.startswith("nodes.")
                and cls.differentiable
                and "forward" in _defined_methods(cls)
            ):
                found.add(cls)
    return found


def _defined_methods(cls):
    """Methods defined by cls or a library base (abstract bases define none)."""
    names = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("nodes."):
            names.update(vars(klass))
    return names


def _all_cases():
    for info in pkgutil.walk_packages(tests.nodes.__path__, prefix="tests.nodes."):
        module = importlib.import_module(info.name)
        yield from getattr(module, "CASES", [])


def _classes_in(case):
    _, graph = case.build()
    return {type(n) for n in graph.nodes}


@functools.cache
def _cases_and_classes():
    return [(case, _classes_in(case)) for case in _all_cases()]


def _name(cls):
    return cls.__module__ + "." + cls.__qualname__


def _has_vjp(cls):
    return "vjp" in _defined_methods(cls)


def test_every_node_class_has_a_gradient_check_case():
    checked = set()
    for _, classes in _cases_and_classes():
        checked |= classes
    missing = sorted(c.__module__ + "." + c.__qualname__ for c in _library_node_classes() - checked)
    assert not missing, f"node classes with no gradient-check case in tests/nodes: {missing}"


def test_the_library_has_node_classes_to_check():
    # Guards the test above against passing vacuously.
    assert len(_library_node_classes()) >= 8


def test_every_node_class_has_a_vjp_or_says_why_not():
    classes = _library_node_classes()
    silent = sorted(_name(c) for c in classes if not _has_vjp(c) and not c.first_order_only)
    assert not silent, f"node classes with neither a vjp nor a reason in first_order_only: {silent}"
    first_order = {_name(c) for c in classes if not _has_vjp(c)}
    assert first_order == FIRST_ORDER_ONLY, (
        f"first-order-only node classes {sorted(first_order)}, but FIRST_ORDER_ONLY lists {sorted(FIRST_ORDER_ONLY)}"
    )

#: Cases checked to second order besides each class's smallest: the options and modes the smallest cases miss.
ALSO_CHECKED = (
    "gelu-tanh-2d", "softplus-threshold", "softplus-beta", "elu-alpha", "batch_norm-eval", "batch_norm-4d",
    "layer_norm-two-trailing", "sce-ignore", "sce-all-options-mean", "sce-all-options-sum", "sce-all-options-none",
    "bce-pos-weight-per-class", "mse-mean", "attention-fused-causal", "attention-fused-fed-padding",
    "attention-fused-cross", "conv2d-stride2-pad1", "conv2d-groups2", "conv2d-dilation2", "max_pool-then-tanh",
    "avg_pool-then-tanh", "concat-last-axis-three", "stack-last-axis", "logsumexp-axes-tuple", "where-fixed-mask",
    "matmul-vector-vector", "matmul-vector-left-batched", "embedding-then-tanh", "lstm-T3-wired",
)


def _size(case):
    return sum(math.prod(np.shape(a)) for a in case.arrays)


def test_every_node_class_with_a_vjp_passes_a_second_order_check():
    # One case per class, the smallest whose graph holds it and no first-order-only node; each case checked once.
    wanted = {c for c in _library_node_classes() if _has_vjp(c)}
    chosen = {}
    for case, classes in _cases_and_classes():
        if any(not _has_vjp(c) for c in classes & _library_node_classes()):
            continue
        for cls in classes & wanted:
            if cls not in chosen or _size(case) < _size(chosen[cls]):
                chosen[cls] = case
    missing = sorted(_name(c) for c in wanted - chosen.keys())
    assert not missing, f"node classes with a vjp but no case free of first-order-only nodes: {missing}"
    by_id = {case.id: case for case, _ in _cases_and_classes()}
    unknown = [i for i in ALSO_CHECKED if i not in by_id]
    assert not unknown, f"ALSO_CHECKED names cases that do not exist: {unknown}"
    cases = list(chosen.values()) + [by_id[i] for i in ALSO_CHECKED]
    failures = []
    for case in {id(case): case for case in cases}.values():
        try:
            check_gradients(case, order=2)
        except Exception as e:  # every failing case is reported, not only the first
            failures.append(f"{case.id}: {type(e).__name__}: {e}")
    assert not failures, "second-order gradient checks failed:\n" + "\n".join(failures)
