"""Every node class in the library appears in at least one gradient-check case."""

import importlib
import inspect
import pkgutil

import nodes
import tests.nodes
from autograd import Leaf, Node


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


def test_every_node_class_has_a_gradient_check_case():
    checked = set()
    for case in _all_cases():
        checked |= _classes_in(case)
    missing = sorted(c.__module__ + "." + c.__qualname__ for c in _library_node_classes() - checked)
    assert not missing, f"node classes with no gradient-check case in tests/nodes: {missing}"


def test_the_library_has_node_classes_to_check():
    # Guards the test above against passing vacuously.
    assert len(_library_node_classes()) >= 8
