"""The node tests' shared set-up: a module lists its gradient cases, and this file makes their tests.

A test module under tests/nodes that defines a module-level list `CASES` of
`GradCase` (tests/nodes/gradcases.py) gets two tests for each case without
writing them:

- `test_gradcheck[<case id>]`: the case's backward agrees with central
  finite differences in float64 (`check_gradients`);
- `test_keeps_float32[<case id>]`: the same graph built in float32 computes
  no float64 value or gradient, and every checked input and parameter gets
  a gradient (`check_keeps_float32`).

How: pytest calls the hook `pytest_pycollect_makeitem` for every name in a
test module. For the name `CASES` the hook below puts the two test
functions, parametrized over the module's cases, into the module, and has
pytest collect them as if the module had defined them itself: they are
reported, and selected (`test_relu.py::test_gradcheck`, `-k relu-2d`),
under the module's name. A module itself writes only the tests that are its
own (known values, errors, special behaviour); one that defines a test of
the same name is refused, so nothing is silently replaced.
"""

import pytest

from tests.nodes.gradcases import check_gradients, check_keeps_float32

#: The tests every case gets: test name -> the check it runs on one case.
CASE_TESTS = {"test_gradcheck": check_gradients, "test_keeps_float32": check_keeps_float32}


def pytest_pycollect_makeitem(collector, name, obj):
    """For a module's `CASES`, the tests of `CASE_TESTS` over its cases; nothing for any other name."""
    if name != "CASES" or not isinstance(collector, pytest.Module):
        return None
    module = collector.obj
    items = []
    for test_name, check in CASE_TESTS.items():
        if hasattr(module, test_name):
            raise pytest.UsageError(f"{collector.nodeid} defines {test_name}, which conftest.py makes from CASES")
        test = _parametrized(test_name, check, obj)
        setattr(module, test_name, test)  # pytest finds a test function by its name in the module
        items += collector.ihook.pytest_pycollect_makeitem(collector=collector, name=test_name, obj=test)
    return items


def _parametrized(test_name, check, cases):
    """A new test function `test_name(case)` running `check`, parametrized over `cases` (ids: the case ids)."""

    def test(case):
        check(case)

    test.__name__ = test.__qualname__ = test_name
    test.__doc__ = check.__doc__
    return pytest.mark.parametrize("case", cases, ids=str)(test)
