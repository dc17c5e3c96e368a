"""Pictures of a run: training curves and a grid of test digits with their predictions.

matplotlib is imported with the Agg backend (files only, no window), and only
when a picture is asked for.
"""

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_curves(history, path, title=None):
    """Training loss and test accuracy per epoch, side by side, written to `path` (PNG)."""
    plt = _pyplot()
    epochs = np.arange(1, len(history) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history.train_loss, "o-", color="tab:blue")
    left.set(xlabel="epoch", ylabel="training loss (cross-entropy)", title="training loss")
    left.set_yscale("log")
    right.plot(epochs, np.asarray(history.test_accuracy) * 100, "o-", color="tab:green", label="test")
    right.plot(epochs, np.asarray(history.train_accuracy) * 100, "s--", color="tab:gray", label="train (running)")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    right.legend(loc="lower right")
    best = max(history.test_accuracy) * 100 if len(history) else 0
    right.axhline(best, color="tab:green", lw=0.5, ls=":")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.set_xticks(epochs)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def grid_indices(labels, predicted, cells, mistakes=12):
    """The test indices a grid of `cells` digits shows, in test-set order.

    The first test digits fill the grid (their mistakes included), except
    for its last cells, which show the first misclassified digits after them,
    up to `mistakes` of them, so that errors are visible even when they are
    rare. The grid is full whenever there are `cells` digits; no index
    appears twice.
    """
    cells = min(cells, len(labels))
    wrong = np.flatnonzero(np.asarray(predicted) != np.asarray(labels))
    for extra in range(min(mistakes, cells, len(wrong)), -1, -1):
        head = cells - extra
        later = wrong[wrong >= head][:extra]
        if len(later) == extra:
            return np.concatenate([np.arange(head), later]).astype(np.int64)
    return np.arange(cells)  # not reached: extra = 0 always succeeds


def plot_predictions(images, labels, predicted, path, columns=12, rows=6, mistakes=12, title=None):
    """A grid of test digits titled with their predicted class; mistakes framed in red.

    The grid shows the first test digits and then up to `mistakes` further
    misclassified ones (see `grid_indices`), each mistake labelled
    "predicted (true)". Returns the indices shown, row by row.
    """
    plt = _pyplot()
    shown = grid_indices(labels, predicted, columns * rows, mistakes)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 1.05), squeeze=False)
    for axis, index in zip(axes.flat, shown):
        ok = predicted[index] == labels[index]
        axis.imshow(images[index], cmap="gray_r", vmin=0, vmax=1)
        text = f"{predicted[index]}" if ok else f"{predicted[index]} ({labels[index]})"
        axis.set_title(text, fontsize=9, color="black" if ok else "red", pad=2)
        axis.set_xticks([])
        axis.set_yticks([])
        for spine in axis.spines.values():
            spine.set_color("black" if ok else "red")
            spine.set_linewidth(0.5 if ok else 2)
    for axis in list(axes.flat)[len(shown) :]:
        axis.axis("off")
    fig.suptitle(title or "test digits with predicted labels; mistakes in red as 'predicted (true)'", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return shown
