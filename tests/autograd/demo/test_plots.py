"""The pictures of a run: which digits the prediction grid shows, and that both pictures are written."""

import numpy as np
import pytest

from autograd.demo import plots
from autograd.demo.train import History

PNG = b"\x89PNG\r\n\x1a\n"


def predictions_with_mistakes_at(wrong, n=200):
    labels = np.arange(n) % 10
    predicted = labels.copy()
    predicted[list(wrong)] = (labels[list(wrong)] + 1) % 10
    return labels, predicted


@pytest.mark.parametrize(
    "wrong, cells, mistakes, expected",
    [
        ([], 10, 3, list(range(10))),
        ([50, 60], 10, 3, [*range(8), 50, 60]),
        ([0, 3], 10, 3, list(range(10))),  # the mistakes among the first digits are shown in place
        ([0, 3, 50, 60, 70, 80], 10, 3, [*range(7), 50, 60, 70]),
        ([9, 50], 10, 3, [*range(8), 9, 50]),  # a mistake among the last cells moves to the end, in order
        ([2], 10, 3, list(range(10))),
    ],
)
def test_the_grid_is_full_in_test_order_and_shows_later_mistakes(wrong, cells, mistakes, expected):
    labels, predicted = predictions_with_mistakes_at(wrong)
    shown = plots.grid_indices(labels, predicted, cells, mistakes)
    assert shown.tolist() == expected


def test_the_grid_never_repeats_or_skips_cells_with_many_mistakes():
    rng = np.random.default_rng(0)
    for _ in range(50):
        labels = rng.integers(0, 10, 150)
        predicted = np.where(rng.random(150) < 0.2, rng.integers(0, 10, 150), labels)
        shown = plots.grid_indices(labels, predicted, 72, 12)
        assert len(shown) == 72 and len(set(shown.tolist())) == 72
        assert np.all(np.diff(shown) > 0)
        head = shown[shown == np.arange(72)]  # the leading run of first digits
        assert np.all(predicted[shown[len(head) :]] != labels[shown[len(head) :]])  # the rest are mistakes


def test_fewer_digits_than_cells_shows_them_all():
    labels, predicted = predictions_with_mistakes_at([1], n=5)
    assert plots.grid_indices(labels, predicted, 72).tolist() == [0, 1, 2, 3, 4]


def test_pictures_are_written(tmp_path, monkeypatch):
    figures = []
    real_pyplot = plots._pyplot
    close = real_pyplot().close

    def keeping_figures():  # pyplot whose close() keeps the figure for the test to inspect
        plt = real_pyplot()
        monkeypatch.setattr(plt, "close", figures.append)
        return plt

    monkeypatch.setattr(plots, "_pyplot", keeping_figures)
    labels, predicted = predictions_with_mistakes_at([0, 1, 40])
    images = np.random.default_rng(1).random((len(labels), 28, 28), dtype=np.float32)
    shown = plots.plot_predictions(images, labels, predicted, tmp_path / "grid.png", columns=4, rows=2, mistakes=2)
    assert (tmp_path / "grid.png").read_bytes()[:8] == PNG
    (grid,) = figures
    titles = [axis.get_title() for axis in grid.axes if axis.images]  # the cells with a digit, row by row
    expected = [0, 1, 2, 3, 4, 5, 6, 40]
    assert titles == [f"{(i + 1) % 10} ({i % 10})" if i in (0, 1, 40) else f"{i % 10}" for i in expected]
    assert shown.tolist() == expected

    history = History(train_loss=[0.5, 0.3], train_accuracy=[0.8, 0.9], test_accuracy=[0.85, 0.91], seconds=[1, 1])
    plots.plot_curves(history, tmp_path / "curves.svg", title="two epochs")
    assert "<svg" in (tmp_path / "curves.svg").read_text()
    for figure in figures:
        close(figure)
