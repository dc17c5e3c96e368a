"""Fixtures shared by the whole suite: the real MNIST files, found and loaded once.

The files are found the way the demo finds them (NODEGRAD_DATA, then the user
cache, then a download into the cache), and their digests are checked. CI sets
NODEGRAD_DATA, so it never downloads.
"""

import pytest

from autograd.demo import data


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four official files."""
    return data.locate()


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """All of MNIST: float32 images in [0, 1] of shape (N, 28, 28), int64 labels."""
    return data.load(mnist_dir)
