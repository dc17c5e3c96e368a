"""Broadcasting of static shapes with None for the batch axis."""

import pytest

import nodes.math
from autograd import ShapeError
from nodes.common.shapes import STAND_INS, broadcast_shape, broadcasts_to, infer_with_stand_ins


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


def test_infer_with_stand_ins_keeps_the_axes_that_do_not_depend_on_unknown_sizes():
    def drop_first(shape):
        return shape[1:]

    def flatten_rest(shape):
        return (shape[0], shape[1] * shape[2])

    assert infer_with_stand_ins(drop_first, (None, 3, 4)) == (3, 4)
    assert infer_with_stand_ins(flatten_rest, (None, 3, 4)) == (None, 12)
    assert infer_with_stand_ins(flatten_rest, (2, None, 4)) == (2, None)
    assert infer_with_stand_ins(lambda shape: (7,) * shape[0], (None,)) is None  # the rank itself depends on it


def test_infer_with_stand_ins_runs_the_rule_on_known_shapes_only():
    seen = []
    infer_with_stand_ins(lambda shape: seen.append(shape) or shape, (None, 5))
    assert seen == [(STAND_INS[0], 5), (STAND_INS[1], 5)] and STAND_INS[0] != STAND_INS[1]


def test_infer_with_stand_ins_lets_the_rule_refuse_a_size():
    def even_only(shape):
        if shape[0] % 2:
            raise ValueError("odd")
        return shape

    with pytest.raises(ValueError, match="odd"):
        infer_with_stand_ins(even_only, (None,))
