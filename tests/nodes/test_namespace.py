"""The `nodes` namespace: one subpackage per kind, each naming its public API.

Every subpackage lists its names in `__all__`, so `from .kind import *` in
`nodes/__init__.py` re-exports exactly those; a subpackage without it would
also export its modules, and a module or function named like a subpackage
(`attention`) would then shadow `nodes.attention`.
"""

import importlib
import pkgutil
import types

import nodes


def subpackages():
    return [info.name for info in pkgutil.iter_modules(nodes.__path__) if info.ispkg]


def test_every_subpackage_names_its_public_api():
    for name in subpackages():
        module = importlib.import_module(f"nodes.{name}")
        assert hasattr(module, "__all__"), f"nodes.{name} has no __all__"
        for public in module.__all__:
            assert getattr(nodes, public) is getattr(module, public), f"nodes.{public} is not nodes.{name}.{public}"


def test_subpackage_names_are_not_shadowed():
    for name in subpackages():
        assert isinstance(getattr(nodes, name), types.ModuleType) and getattr(nodes, name).__name__ == f"nodes.{name}"
