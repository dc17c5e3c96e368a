"""Every public function and class of the node library has a docstring, and node classes state their backward."""

import importlib
import inspect
import pkgutil

import nodes
from autograd import Node


def _public_objects():
    """(dotted name, object) for each public function and class, in the module that defines it."""
    for info in pkgutil.walk_packages(nodes.__path__, prefix="nodes."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            defined_here = (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == module.__name__
            if defined_here and not name.startswith("_"):
                yield f"{module.__name__}.{name}", obj


def _own_docstring(obj):
    # A class without a docstring of its own would borrow its base's through inspect.getdoc.
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return (doc or "").strip()


def test_every_public_function_and_class_has_a_docstring():
    missing = sorted(name for name, obj in _public_objects() if not _own_docstring(obj))
    assert not missing, f"public names in nodes without a docstring: {missing}"


def test_every_node_class_states_its_backward():
    silent = sorted(
        name
        for name, obj in _public_objects()
        if inspect.isclass(obj) and issubclass(obj, Node) and "forward" in vars(obj)
        and "backward" not in _own_docstring(obj).lower()
    )
    assert not silent, f"node classes whose docstring does not state the backward: {silent}"


def test_the_checks_see_the_whole_library():
    # Guards the tests above against passing vacuously.
    names = dict(_public_objects())
    assert len(names) >= 100
    for name in ("nodes.math.reduction.sum", "nodes.common.shapes.broadcast_shape", "nodes.linalg.matmul.MatMul"):
        assert name in names
