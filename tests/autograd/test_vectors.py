"""The shared read-only constant vectors: values, dtypes, sharing, and the cache bound."""

import numpy as np
import pytest

from autograd import vectors
from autograd.vectors import CACHE_SIZE, arange, mean_weights, ones


def test_values_and_dtypes():
    assert ones(3, np.float32).tolist() == [1.0, 1.0, 1.0]
    assert ones(3, np.float32).dtype == np.float32
    assert ones((2, 1)).tolist() == [[1.0], [1.0]]
    assert ones((), np.float32).shape == ()
    assert mean_weights(4).tolist() == [0.25, 0.25, 0.25, 0.25]
    assert mean_weights(8, np.float32).dtype == np.float32
    assert arange(4).tolist() == [0, 1, 2, 3]
    assert arange(4).dtype.kind == "i"


def test_products_with_them_sum_and_average():
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert (ones(3, a.dtype) @ a).tolist() == [9.0, 12.0]
    assert (a @ mean_weights(2, a.dtype)).tolist() == [1.5, 3.5, 5.5]
    assert a[arange(3), [1, 0, 1]].tolist() == [2.0, 3.0, 6.0]


@pytest.mark.parametrize("make", [lambda: ones(5), lambda: mean_weights(5), lambda: arange(5)])
def test_shared_arrays_are_read_only(make):
    v = make()
    assert make() is v
    with pytest.raises(ValueError, match="read-only"):
        v[0] = 7
    assert v[0] != 7


def test_each_dtype_gets_its_own_array():
    assert ones(3, np.float32) is not ones(3, np.float64)
    assert ones(3, np.float32).dtype != ones(3, np.float64).dtype


@pytest.mark.parametrize("cached", [vectors.ones, vectors.mean_weights, vectors.arange])
def test_the_cache_is_bounded(cached):
    cached.cache_clear()
    first = cached(1)
    for n in range(2, CACHE_SIZE + 2):  # CACHE_SIZE other sizes push the first one out
        cached(n)
    assert cached.cache_info().currsize == CACHE_SIZE
    again = cached(1)
    assert again is not first
    np.testing.assert_array_equal(again, first)
