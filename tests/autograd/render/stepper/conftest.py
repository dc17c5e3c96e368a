"""Traced steps the stepper tests draw, each from fixed seeds, and a headless browser to show the pages in."""

import shutil
import tempfile

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.demo import models
from tests.known import network

#: Headless Chromium on a closed network: no first-run tasks, no background connections, no GPU.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def known_trace():
    """The traced step of the hand-derived 3-2-3 network (SGD), drawn in full."""
    graph, feeds = network()
    return ag.trace_backward(graph, feeds)


def quickstart_graph(seed=0):
    """The README's quickstart graph and 64 of its points: (graph, feeds)."""
    rng = np.random.default_rng(seed)
    points = rng.standard_normal((64, 2)).astype(np.float32)
    classes = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    x = ag.Input("x", shape=(None, 2))
    y = ag.Input("y", shape=(None,), dtype=np.int64)
    hidden = nd.tanh(nd.Linear(2, 16, name="fc1", rng=rng)(x), name="tanh")
    logits = nd.Linear(16, 2, name="fc2", rng=rng)(hidden)
    graph = ag.Graph(nd.softmax_cross_entropy(logits, y, name="loss"), rule=ag.Adam(lr=0.05))
    return graph, {x: points, y: classes}


@pytest.fixture
def quickstart_trace():
    """The quickstart graph's traced step."""
    graph, feeds = quickstart_graph()
    return ag.trace_backward(graph, feeds)


def model_trace(name, **drawing):
    """The traced step of the demo's model `name` on 8 random images (fixed seed)."""
    model = models.build(name, seed=0)
    labels = ag.Input("labels", shape=(None,), dtype=np.int64)
    graph = ag.Graph(nd.softmax_cross_entropy(model.logits, labels, name="loss"), rule=ag.Adam(1e-3))
    rng = np.random.default_rng(0)
    feeds = {"image": rng.random((8, 28, 28), dtype=np.float32), "labels": rng.integers(0, 10, 8)}
    return ag.trace_backward(graph, feeds, **drawing)


@pytest.fixture(scope="module")
def cnn_trace():
    """The demo CNN's traced step, drawn in full."""
    return model_trace("cnn")


@pytest.fixture(scope="module")
def vit_trace():
    """The demo vision transformer's traced step, block1 open and every other block folded."""
    return model_trace("vit", depth=0, expand=["block1"])


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (scripts/install.sh installs both)."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is not installed: scripts/install.sh installs Debian's chromium with the test extras")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()
