"""Fixtures of the demo's tests (the real data sets' fixtures are in the suite's conftest)."""

import pytest

from autograd.demo import data


@pytest.fixture
def no_download(monkeypatch):
    """Make any attempt to reach the network fail the test."""

    def refuse(url, timeout):
        raise AssertionError(f"a test tried to download {url}")

    monkeypatch.setattr(data, "_urlopen", refuse)

