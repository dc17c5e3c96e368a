"""Fixtures shared by the whole suite: the real MNIST files, found and loaded once, and both kernel paths.

The files are found the way the demo finds them (NODEGRAD_DATA, then the user
cache, then a download into the cache), and their digests are checked. CI sets
NODEGRAD_DATA, so it never downloads, and there a missing file fails every
test that needs one. Elsewhere, on a machine with neither the files nor a
network, those tests (and only those) skip with one line that says where to
put the files.
"""

import os

import pytest

from autograd.demo import data


def locate_or_skip(source):
    """The folder of `source`'s files, found as the demo finds them; a skip only where nobody asked for them."""
    try:
        return data.locate(source=source)
    except data.DataError as e:
        if os.environ.get(data.ENV_VAR):
            raise  # asked for by name (as CI does): never a skip
        reason = "not found, and the download failed" if "download" in str(e) else "not found"
        pytest.skip(f"needs the real {source.title} files ({reason}): put them in {data.cache_dir(source=source)} "
                    f"or point {data.ENV_VAR} at their folder")


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four official files."""
    return locate_or_skip(data.MNIST_SOURCE)


@pytest.fixture(scope="session")
def fashion_dir():
    """The folder holding the four official Fashion-MNIST files (found like MNIST's)."""
    return locate_or_skip(data.FASHION_SOURCE)


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """All of MNIST: float32 images in [0, 1] of shape (N, 28, 28), int64 labels."""
    return data.load(mnist_dir)


@pytest.fixture(params=["numpy", "numba"])
def both_kernel_paths(request, monkeypatch):
    """Runs a test once with the compiled kernels ruled out and once with them (nodes built without `kernels=`).

    A module whose nodes (or rules) have compiled kernels marks itself
    `pytestmark = pytest.mark.usefixtures("both_kernel_paths")`, so that its
    known values and gradient cases check the numpy path as well as the
    compiled one, which the test environment (with numba) takes by default.
    """
    monkeypatch.setenv("NODEGRAD_KERNELS", request.param)
    return request.param
