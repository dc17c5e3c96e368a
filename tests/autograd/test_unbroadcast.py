"""unbroadcast: an addend summed back to its input's shape, against numpy sums written out here."""

import numpy as np
import pytest

from autograd import ShapeError
from autograd import unbroadcast as module
from autograd.unbroadcast import unbroadcast


def _addend(*shape, dtype=np.float64):
    """Distinct values 1, 2, 3... so a sum over a wrong axis gives other numbers."""
    return np.arange(1, np.prod(shape, dtype=int) + 1, dtype=dtype).reshape(shape)


def test_a_row_batch_sums_to_its_bias_by_hand():
    addend = _addend(3, 2)  # [[1, 2], [3, 4], [5, 6]]
    assert unbroadcast(addend, (2,)).tolist() == [1 + 3 + 5, 2 + 4 + 6]


@pytest.mark.parametrize(("addend_shape", "shape", "summed_axes"), [
    ((4, 3), (3,), (0,)),  # one added axis
    ((2, 4, 3), (3,), (0, 1)),  # two added axes
    ((2, 4, 3), (4, 3), (0,)),
    ((4, 3), (1, 3), (0,)),  # a stretched axis
    ((4, 3), (4, 1), (1,)),
    ((2, 4, 3), (1, 3), (0, 1)),  # added and stretched
    ((5, 2, 4, 3), (2, 1, 3), (0, 2)),
    ((4, 3), (), (0, 1)),  # to a 0-d value: everything
    ((), (), ()),  # 0-d to 0-d: nothing to undo
])
def test_added_and_stretched_axes_are_summed(addend_shape, shape, summed_axes):
    addend = _addend(*addend_shape)
    expected = addend.sum(axis=summed_axes, keepdims=True).reshape(shape) if summed_axes else addend
    got = unbroadcast(addend, shape)
    assert got.shape == shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_dtype_is_kept(dtype):
    for addend_shape, shape in (((4, 3), (3,)), ((2, 4, 3), (1, 3)), ((4, 3), (4, 1)), ((4, 3), ())):
        assert unbroadcast(_addend(*addend_shape, dtype=dtype), shape).dtype == dtype


class _OnesSpy:
    """Stands in for `vectors.ones` inside unbroadcast, counting the calls of the BLAS paths."""

    def __init__(self):
        self.calls = []

    def __call__(self, n, dtype):
        self.calls.append((n, np.dtype(dtype)))
        return np.ones(n, dtype)


@pytest.fixture
def ones_spy(monkeypatch):
    spy = _OnesSpy()
    monkeypatch.setattr(module, "ones", spy)
    return spy


def test_a_contiguous_float_row_batch_takes_the_ones_vector_path(ones_spy):
    addend = _addend(5, 3, dtype=np.float32)
    np.testing.assert_array_equal(unbroadcast(addend, (3,)), addend.sum(axis=0))
    assert ones_spy.calls == [(5, np.float32)]


def test_leading_axes_of_a_contiguous_float_addend_are_summed_by_one_product(ones_spy):
    addend = _addend(2, 4, 3)
    np.testing.assert_array_equal(unbroadcast(addend, (3,)), addend.sum(axis=(0, 1)))
    assert ones_spy.calls == [(8, np.float64)]


@pytest.mark.parametrize("addend", [
    _addend(3, 5).T,  # not contiguous: a transposed view
    _addend(6, 3)[::2],  # not contiguous: every other row
    _addend(5, 3, dtype=np.int64),  # not float
    _addend(2, 4, 3)[:, ::2],
], ids=["transposed", "strided", "integer", "strided-3d"])
def test_other_addends_take_the_general_path_with_the_same_result(addend, ones_spy):
    shape = addend.shape[-1:]
    np.testing.assert_array_equal(unbroadcast(addend, shape), addend.sum(axis=tuple(range(addend.ndim - 1))))
    assert ones_spy.calls == []


def test_an_empty_batch_sums_to_zeros():
    got = unbroadcast(np.zeros((0, 3)), (3,))
    assert got.shape == (3,)
    np.testing.assert_array_equal(got, np.zeros(3))


def test_a_list_is_taken_as_an_array():
    assert unbroadcast([[1.0, 2.0], [3.0, 4.0]], (1, 2)).tolist() == [[4.0, 6.0]]


@pytest.mark.parametrize(("addend_shape", "shape", "message"), [
    ((3,), (2, 3), r"addend of shape \(3,\) has fewer axes than \(2, 3\)"),
    ((), (1,), r"fewer axes"),
    ((2, 3), (2, 4), r"addend of shape \(2, 3\) does not reduce to \(2, 4\)"),
    ((4, 2, 3), (3, 3), r"does not reduce to \(3, 3\)"),
    ((2, 3), (3, 1), r"does not reduce to \(3, 1\)"),  # a size-1 axis is summed, the other one cannot be
    ((7,), (3,), r"does not reduce to \(3,\)"),
])
def test_an_addend_that_cannot_come_from_broadcasting_is_refused(addend_shape, shape, message):
    with pytest.raises(ShapeError, match=message):
        unbroadcast(_addend(*addend_shape), shape)
