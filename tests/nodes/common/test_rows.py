"""Row maxima and sums along the last axis: numpy's values, by the short-row paths and by numpy's own."""

import numpy as np
import pytest

from nodes.common.rows import SHORT_ROW_MAX, SHORT_ROW_SUM, row_max, row_sum

SHAPES = [(5,), (3, 1), (4, 2), (64, 4, 17, 17), (7, SHORT_ROW_MAX), (7, SHORT_ROW_MAX + 1), (3, 2, 100),
          (2, SHORT_ROW_SUM), (2, SHORT_ROW_SUM + 1), (0, 4), (4, 0)]


def _values(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64])
def test_row_max_is_numpys_max_exactly(shape, dtype):
    x = _values(shape, dtype)
    if x.size == 0 and shape[-1] == 0:
        with pytest.raises(ValueError):
            row_max(x)
        return
    expected = np.max(x, axis=-1, keepdims=True)
    got = row_max(x)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_sum_is_numpys_sum_up_to_rounding(shape, dtype):
    x = _values(shape, dtype, seed=1)
    expected = np.sum(x, axis=-1, keepdims=True)
    got = row_sum(x)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    # Rounding of up to SHORT_ROW_SUM terms of size ~1, in the dtype.
    np.testing.assert_allclose(got, expected, rtol=0, atol=64 * np.finfo(dtype).eps * max(1, shape[-1]) ** 0.5)


@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.int32, bool])
def test_other_dtypes_are_summed_by_numpy_with_its_result_dtype(dtype):
    x = (_values((6, 5), np.float64) * 4).astype(dtype)
    expected = np.sum(x, axis=-1, keepdims=True)
    got = row_sum(x)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_views_are_reduced_as_their_values():
    base = _values((8, 6, 10), np.float32)
    for view in (base[:, ::2], base.transpose(1, 0, 2), base[..., ::-1], np.broadcast_to(base[:1], (3, 6, 10))):
        np.testing.assert_array_equal(row_max(view), np.max(view, axis=-1, keepdims=True))
        np.testing.assert_allclose(row_sum(view), np.sum(view, axis=-1, keepdims=True), rtol=1e-6, atol=1e-6)


def test_nan_and_infinities_propagate_as_in_numpy():
    x = np.array([[1, np.nan, 2], [np.nan, 3, 4], [-np.inf, -np.inf, -np.inf], [np.inf, 1, -np.inf], [1, 2, np.inf]],
                 dtype=np.float32)
    with np.errstate(invalid="ignore"):  # inf - inf, in both
        np.testing.assert_array_equal(row_max(x), np.max(x, axis=-1, keepdims=True))
        np.testing.assert_array_equal(row_sum(x), np.sum(x, axis=-1, keepdims=True))


def test_the_inputs_are_left_unchanged():
    x = _values((9, 17), np.float32)
    kept = x.copy()
    row_max(x), row_sum(x)
    np.testing.assert_array_equal(x, kept)
