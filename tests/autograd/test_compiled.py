"""Choosing between numpy's path and the compiled kernels: the keyword, the environment, and what is refused."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import nodes as nd
from autograd import Input, compiled
from nodes.normalization import batch_norm_kernels


def test_the_test_environment_has_numba_so_both_paths_are_tested():
    assert compiled.available(), "numba is in the test extras: pip install -e '.[test]'"


def test_unset_environment_picks_numba_where_installed(monkeypatch):
    monkeypatch.delenv(compiled.ENVIRONMENT, raising=False)
    assert compiled.choose(None, "batch_norm") == "numba"
    monkeypatch.setattr(compiled, "available", lambda: False)
    assert compiled.choose(None, "batch_norm") == "numpy"


def test_the_environment_rules_the_kernels_out_but_an_explicit_choice_wins(monkeypatch):
    monkeypatch.setenv(compiled.ENVIRONMENT, "numpy")
    assert nd.max_pool2d(Input("x"), 2).kernels == "numpy"
    assert nd.max_pool2d(Input("x"), 2, kernels="numba").kernels == "numba"


def test_a_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv(compiled.ENVIRONMENT, "fast")
    with pytest.raises(ValueError, match="NODEGRAD_KERNELS must be 'numpy' or 'numba'.*'fast'"):
        nd.max_pool2d(Input("x"), 2)


def test_a_bad_keyword_names_the_node_kind():
    with pytest.raises(ValueError, match="batch_norm: kernels must be None, 'numpy' or 'numba', got 'c'"):
        nd.BatchNorm(3, kernels="c")(Input("x"))


def test_insisting_on_numba_without_it_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(compiled, "available", lambda: False)
    with pytest.raises(ImportError, match=r"max_pool2d: kernels='numba' needs numba.*install the fast extra"):
        nd.max_pool2d(Input("x"), 2, kernels="numba")
    monkeypatch.setenv(compiled.ENVIRONMENT, "numba")
    with pytest.raises(ImportError, match="batch_norm: NODEGRAD_KERNELS=numba needs numba"):
        nd.BatchNorm(3)(Input("x"))


def test_batch_norm_statistics_kernel_matches_numpy_in_float64():
    x2 = np.random.default_rng(0).standard_normal((999, 7)) * 5 + 3
    mean, var = batch_norm_kernels.statistics(x2)
    np.testing.assert_allclose(mean, x2.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(var, x2.var(axis=0), rtol=1e-12)


def test_importing_the_library_does_not_import_numba():
    """numba (and its compiler's memory) comes in only when a node or rule that could use it is built or steps."""
    code = "import sys, autograd, nodes; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_numba_is_imported_only_by_the_compiled_module():
    """The one optional import of the library stays in one place (docs/architecture.md, the layers)."""
    root = pathlib.Path(compiled.__file__).resolve().parents[1]
    importing = re.compile(r"^\s*(import|from)\s+numba\b|import_module\([\"']numba", re.MULTILINE)
    found = [str(path.relative_to(root)) for package in ("autograd", "nodes") for path in (root / package).rglob("*.py")
             if importing.search(path.read_text())]
    assert found == ["autograd/compiled.py"]


def test_supports_only_native_float32_or_float64_arrays_of_one_dtype():
    f32, f64 = np.zeros(3, np.float32), np.zeros(3, np.float64)
    assert compiled.supports(f32) and compiled.supports(f64, f64.reshape(3, 1))
    assert not compiled.supports(f32, f64)  # mixed dtypes
    for other in (np.float16, np.int32, bool, np.complex64, ">f4", ">f8"):  # big-endian: numba cannot take them
        assert not compiled.supports(np.zeros(3, other))


def test_fits_flat_takes_one_float_dtype_and_shape_in_c_order_only():
    a = np.zeros((3, 4), np.float32)
    assert compiled.fits_flat(a, a.copy(), np.ones_like(a))
    assert not compiled.fits_flat(a, a.astype(np.float64))  # dtypes differ
    assert not compiled.fits_flat(a, np.zeros(12, np.float32))  # the same size, another shape
    assert not compiled.fits_flat(a, np.asfortranarray(a))  # not C-contiguous
    assert not compiled.fits_flat(a, np.broadcast_to(np.zeros(4, np.float32), (3, 4)))  # a broadcast view
    assert not compiled.fits_flat(a.astype(np.float16))
