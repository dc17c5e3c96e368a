"""Classification figures for the console: the confusion matrix and per-class accuracy."""

import numpy as np


def confusion_matrix(labels, predicted, classes=10):
    """counts[i, j] = number of samples of class i predicted as j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def format_confusion(counts):
    """The matrix as text: rows are true classes, columns predictions, plus each class's recall."""
    classes = len(counts)
    width = max(5, len(str(counts.max())) + 1)
    lines = ["true\\pred" + "".join(f"{j:>{width}}" for j in range(classes)) + "   recall"]
    for i, row in enumerate(counts):
        recall = row[i] / max(row.sum(), 1)
        lines.append(f"{i:>9}" + "".join(f"{c:>{width}}" for c in row) + f"  {recall:7.2%}")
    return "\n".join(lines)
