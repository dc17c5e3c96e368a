"""Augmentation: rotations and shifts where they should go, seeded, and the same after a restored state."""

import numpy as np
import pytest

from autograd.demo.augment import Augmenter, transform


def dot(row, col, size=29):
    image = np.zeros((1, size, size), dtype=np.float32)
    image[0, row, col] = 1.0
    return image


@pytest.mark.parametrize("degrees, expected", [(90, (9, 14)), (-90, (19, 14)), (180, (14, 9))])
def test_a_rotation_turns_about_the_centre_counter_clockwise(degrees, expected):
    # A dot 5 pixels right of the centre (14, 14) goes up for +90 degrees, down for -90, left for 180.
    out = transform(dot(14, 19), np.deg2rad([degrees]), np.zeros((1, 2)))
    assert tuple(np.argwhere(out[0] > 0.99)[0]) == expected
    assert out.sum() == pytest.approx(1.0, abs=1e-5)


def test_a_shift_moves_down_and_right_and_fractions_interpolate():
    out = transform(dot(10, 10), np.zeros(1), np.array([[2.0, -3.0]]))
    assert tuple(np.argwhere(out[0] == 1.0)[0]) == (12, 7)
    half = transform(dot(10, 10), np.zeros(1), np.array([[0.0, 0.5]]))
    np.testing.assert_allclose(half[0, 10, 10:12], [0.5, 0.5], atol=1e-6)


def test_nothing_to_do_is_the_identity_and_the_outside_is_background():
    images = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(transform(images, np.zeros(3), np.zeros((3, 2))), images, atol=1e-6)
    moved = transform(images, np.zeros(3), np.full((3, 2), 40.0))
    assert not moved.any() and moved.dtype == np.float32


def test_each_image_of_a_batch_gets_its_own_draw_and_a_seed_fixes_them():
    images = np.repeat(dot(14, 19, size=28), 4, axis=0)
    first, again = Augmenter(seed=3)(images), Augmenter(seed=3)(images)
    np.testing.assert_array_equal(first, again)
    assert len({tuple(np.round(a, 3).ravel()) for a in first}) == 4
    assert not np.array_equal(first, Augmenter(seed=4)(images))


def test_a_restored_generator_state_continues_the_same_draws():
    images = np.random.default_rng(1).random((5, 28, 28)).astype(np.float32)
    straight = Augmenter(seed=0)
    straight(images)
    state = straight.rng.bit_generator.state
    expected = straight(images)
    resumed = Augmenter(seed=9)
    resumed.rng.bit_generator.state = state
    np.testing.assert_array_equal(resumed(images), expected)
