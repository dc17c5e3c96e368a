"""The process-wide default float dtype: float32 unless set, only floats, restored after a block."""

import numpy as np
import pytest

from autograd import config, default_dtype, get_default_dtype, set_default_dtype


def test_the_default_is_float32():
    assert get_default_dtype() == np.float32 and isinstance(get_default_dtype(), np.dtype)


def test_set_takes_any_floating_dtype_spelling_and_refuses_the_others():
    try:
        set_default_dtype("float64")
        assert get_default_dtype() == np.float64
        set_default_dtype(np.float16)
        assert get_default_dtype() == np.float16
        for bad in (np.int64, bool, "complex128"):
            with pytest.raises(TypeError, match="the default dtype must be a floating type"):
                set_default_dtype(bad)
        assert get_default_dtype() == np.float16  # a refused dtype changes nothing
    finally:
        config._state["dtype"] = np.dtype(np.float32)


def test_the_block_restores_the_previous_dtype_even_when_it_raises():
    with default_dtype(np.float64):
        with default_dtype(np.float16):
            assert get_default_dtype() == np.float16
        assert get_default_dtype() == np.float64
        with pytest.raises(RuntimeError), default_dtype(np.float16):
            raise RuntimeError("inside")
        assert get_default_dtype() == np.float64
    assert get_default_dtype() == np.float32
