"""Broadcasting of static shapes with None for the batch axis."""

import pytest

import nodes.math
from autograd import ShapeError
from nodes.common.shapes import broadcast_shape, broadcasts_to


@pytest.mark.parametrize(
    "shapes, expected",
    [
        (((3, 4), (4,)), (3, 4)),
        (((3, 1), (1, 4)), (3, 4)),
        (((2, 1, 5), (3, 1)), (2, 3, 5)),
        (((), (2, 3)), (2, 3)),
        (((1,), (1, 1)), (1, 1)),
        (((None, 3), (3,)), (None, 3)),
        (((None, 3), (7, 1)), (7, 3)),  # a known size fixes the batch axis it meets
        (((None, 1), (1, None)), (None, None)),
        (((2, 3), (2, 3), (3,)), (2, 3)),
    ],
)
def test_broadcast_shape(shapes, expected):
    assert broadcast_shape(*shapes) == expected


def test_broadcast_shape_refuses_different_sizes_on_one_axis():
    with pytest.raises(ShapeError, match="do not broadcast"):
        broadcast_shape((3, 4), (5,))
    with pytest.raises(ShapeError, match=r"shapes \(N, 2\) and \(1, 2\) and \(3, 3\) do not broadcast"):
        broadcast_shape((None, 2), (1, 2), (3, 3))


@pytest.mark.parametrize(
    "shape, target, expected",
    [
        ((4,), (3, 4), True),
        ((1, 4), (3, 4), True),
        ((3, 1), (3, 4), True),
        ((), (3, 4), True),
        ((None, 4), (3, 4), True),
        ((3, 4), (None, 4), True),
        ((2, 4), (3, 4), False),
        ((3, 4), (4,), False),  # broadcasting would add an axis to the target
        ((3, 4), (3, 1), False),  # it would stretch the target
    ],
)
def test_broadcasts_to(shape, target, expected):
    assert broadcasts_to(shape, target) is expected


def test_the_public_name_in_nodes_math_is_the_same_function():
    assert nodes.math.broadcast_shape is broadcast_shape
