"""The compiled update-rule kernels: the same numbers as the rules' numpy steps, and when they are taken."""

import numpy as np
import pytest

from autograd import Adam, AdamW, Parameter, rule_kernels
from autograd.update import apply_update

SHAPE = (37, 5)


def run_adam(rule, dtype, monkeypatch, kernels, steps=6, strided=False, shape=SHAPE):
    """(w, state) after `steps` updates by `rule` (through the update path, so AdamW's decay too) from fixed
    arrays, with NODEGRAD_KERNELS=`kernels`; the gradient strided, or of another (broadcastable) shape."""
    monkeypatch.setenv("NODEGRAD_KERNELS", kernels)
    param = Parameter(np.random.default_rng(1).standard_normal(SHAPE), dtype=dtype)
    for t in range(steps):
        g = np.random.default_rng(10 + t).standard_normal((SHAPE[0], 2 * SHAPE[1])).astype(dtype)
        g = g[:, ::2] if strided else np.ascontiguousarray(g[:, :SHAPE[1]])
        apply_update(param, g[: shape[0]] if shape != SHAPE else g, rule.with_lr(rule.lr * (t + 1) / steps))
    return param.value, param.state


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rule", [Adam(1e-2), Adam(3e-3, betas=(0.8, 0.99), eps=1e-6), AdamW(1e-2, weight_decay=0.1),
                                  Adam(np.float64(1e-2), eps=np.float64(1e-7))],
                         ids=["adam", "adam-betas-eps", "adamw", "numpy-scalars"])
def test_the_compiled_adam_step_gives_numpys_numbers_bit_for_bit(rule, dtype, monkeypatch):
    w_numpy, s_numpy = run_adam(rule, dtype, monkeypatch, "numpy")
    calls = spy_on_the_kernel(monkeypatch)
    w_numba, s_numba = run_adam(rule, dtype, monkeypatch, "numba")
    assert len(calls) == 6  # every step took the kernel
    assert w_numba.dtype == dtype
    np.testing.assert_array_equal(w_numba, w_numpy)
    np.testing.assert_array_equal(s_numba["m"], s_numpy["m"])
    np.testing.assert_array_equal(s_numba["v"], s_numpy["v"])
    assert int(s_numba["t"]) == int(s_numpy["t"]) == 6
    assert not np.array_equal(w_numba, np.random.default_rng(1).standard_normal(SHAPE).astype(dtype))


def spy_on_the_kernel(monkeypatch):
    calls = []
    original = rule_kernels.adam
    monkeypatch.setattr(rule_kernels, "adam", lambda *args: calls.append(1) or original(*args))
    return calls


@pytest.mark.parametrize("case", ["numpy-environment", "strided-gradient", "broadcast-gradient", "amsgrad", "float16"])
def test_the_kernel_is_skipped_where_it_does_not_apply_and_the_step_is_numpys(case, monkeypatch):
    calls = spy_on_the_kernel(monkeypatch)
    rule = Adam(1e-2, eps=1e-3 if case == "float16" else 1e-8, amsgrad=case == "amsgrad")  # 1e-8 is 0 in float16
    dtype = np.float16 if case == "float16" else np.float32
    kernels = "numpy" if case == "numpy-environment" else "numba"
    options = {"strided": case == "strided-gradient", "shape": (1, SHAPE[1]) if case == "broadcast-gradient" else SHAPE}
    w, state = run_adam(rule, dtype, monkeypatch, kernels, **options)
    assert calls == []
    w_numpy, _ = run_adam(rule, dtype, monkeypatch, "numpy", **options)
    np.testing.assert_array_equal(w, w_numpy)
    assert np.isfinite(w).all()


def test_a_read_only_parameter_is_refused_by_numpy_and_the_state_is_left_as_it_was(monkeypatch):
    monkeypatch.setenv("NODEGRAD_KERNELS", "numba")
    calls = spy_on_the_kernel(monkeypatch)
    w, g, state = np.ones(5, np.float32), np.ones(5, np.float32), {}
    Adam(1e-2).step(w, g, state, 1e-2)
    w.flags.writeable = False
    w_before, m = w.copy(), state["m"].copy()
    with pytest.raises(ValueError, match="read-only"):
        Adam(1e-2).step(w, g, state, 1e-2)
    assert len(calls) == 1 and int(state["t"]) == 1  # the kernel was not given it; the step count did not move
    np.testing.assert_array_equal(w, w_before)
    assert not np.array_equal(state["m"], m)  # the numpy path had begun on the moments, as it did before the kernel


def test_the_kernel_is_taken_by_default_where_numba_is_installed(monkeypatch):
    calls = spy_on_the_kernel(monkeypatch)
    monkeypatch.delenv("NODEGRAD_KERNELS", raising=False)
    Adam(1e-2).step(np.ones(4, np.float32), np.ones(4, np.float32), {}, 1e-2)
    assert calls == [1]


def test_a_bad_environment_value_is_refused_at_the_step_naming_the_variable(monkeypatch):
    monkeypatch.setenv("NODEGRAD_KERNELS", "fast")
    w = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="NODEGRAD_KERNELS must be 'numpy' or 'numba'.*'fast'"):
        Adam(1e-2).step(w, np.ones(4, np.float32), {}, 1e-2)
    np.testing.assert_array_equal(w, np.ones(4, np.float32))  # refused before anything changed
