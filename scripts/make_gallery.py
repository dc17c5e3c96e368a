"""Regenerate the diagrams in img/ from real graphs after real passes.

    python scripts/make_gallery.py            # writes img/*.png
    python scripts/make_gallery.py --svg      # also writes SVG next to each PNG

The screenshot of the backward stepper's page (img/backward_stepper.png) is
taken in Debian's chromium through Playwright, both installed with the test
extras (bash scripts/install.sh test).

Batches are MNIST digits, found (or downloaded) as the demo finds them. When
MNIST cannot be had, the script says so on stderr and draws with random
pixels from a fixed generator instead: the drawings keep their shape, but
their numbers are not those of digits, and their titles say "random images".
The images in img/ are made with the real digits.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

import autograd as ag
import nodes as nd
from autograd import Graph, Input, Parameter, scope
from autograd.demo import models
from autograd.render import draw, save
from autograd.render.text import small_array

REPO = Path(__file__).resolve().parent.parent
BATCH = 32


class Batch:
    """A batch of images with labels, and what they are (for the titles)."""

    def __init__(self, images, labels, what):
        self.images, self.labels, self.what = images, labels, what


def digits(n=BATCH, seed=0, download=True):
    """n MNIST training digits; random pixels (with a warning) when MNIST cannot be had."""
    from autograd.demo.data import DataError, load_mnist

    try:
        data = load_mnist(download=download)
        return Batch(data.train_images[:n], data.train_labels[:n], f"{n} MNIST digits")
    except (DataError, OSError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"MNIST not available ({first}): drawing with random pixels instead of digits", file=sys.stderr)
        rng = np.random.default_rng(seed)
        images = rng.random((n, 28, 28), dtype=np.float32)
        return Batch(images, rng.integers(0, 10, n), f"{n} random images (MNIST not found)")


def classifier_graph(model, lr=0.05):
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    loss = nd.softmax_cross_entropy(model.logits, labels, name="loss")
    return Graph(loss, rule=ag.SGD(lr))


def after_backward(graph, batch):
    """One real training step whose addends stay on the nodes for drawing."""
    graph.forward({"image": batch.images, "labels": batch.labels})
    graph.backward(keep_addends=True)


# -- the images -------------------------------------------------------------------
def mlp(batch):
    graph = classifier_graph(models.build("mlp", seed=0))
    yield "mlp", draw(graph, title="MLP 784-512-256-10")
    after_backward(graph, batch)
    yield "mlp_gradients", draw(graph, grads=True, title=f"MLP after one backward pass\non a batch of {batch.what}")


def residual_graph():
    """(graph, feeds): a DAG whose two blocks share one weight matrix, a skip connection adding around the second."""
    rng = np.random.default_rng(1)
    x = Input(name="x", shape=(None, 8))
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    shared = Parameter(rng.standard_normal((8, 8)) * 0.4, name="shared_w")
    with scope("block1"):
        b1 = Parameter(np.zeros(8), name="bias")
        h1 = nd.relu(nd.add(nd.matmul(x, shared, name="matmul"), b1, name="add"), name="relu")
    with scope("block2"):
        b2 = Parameter(np.zeros(8), name="bias")
        h2 = nd.relu(nd.add(nd.matmul(h1, shared, name="matmul"), b2, name="add"), name="relu")
    skip = nd.add(h1, h2, name="skip")
    logits = nd.Linear(8, 3, name="head", rng=rng)(skip)
    graph = Graph(nd.softmax_cross_entropy(logits, labels, name="loss"), rule=ag.SGD(0.1))
    return graph, {"x": rng.standard_normal((16, 8)), "labels": rng.integers(0, 3, 16)}


def residual_shared(batch):
    """The residual DAG after a backward pass: shared_w sums the addends of both blocks."""
    graph, feeds = residual_graph()
    graph.forward(feeds)
    graph.backward(keep_addends=True)
    yield "residual_shared", draw(
        graph, grads=True,
        title="A residual DAG with a shared weight\nshared_w sums the addends of both blocks, then updates once",
    )


def teaching_graph(lr=0.1):
    """(graph, feeds): h1 and h2 both use f1 and f2, which use the parameters w and b; G = h1 + h2."""
    x = Input(name="x", shape=(None, 2))
    w = Parameter([0.5, -1.0], name="w")
    f1 = nd.mul(x, w, name="f1")
    b = Parameter([1.0, 1.0], name="b")
    f2 = nd.sub(b, x, name="f2")
    h1 = nd.mul(f1, f2, name="h1")
    h2 = nd.add(f1, f2, name="h2")
    root = nd.add(h1, h2, name="G")
    return Graph(root, rule=ag.SGD(lr)), {"x": np.array([[1.0, 2.0]])}


def backward_pass(batch):
    """h1 and h2 both use f1 and f2; f1 sums their addends into dG/df1, then w gets dG/dw and updates."""
    lr = 0.1
    graph, feeds = teaching_graph(lr)
    f1, w, root = graph.node("f1"), graph.parameter("w"), graph.roots[0]
    h1, h2 = graph.node("h1"), graph.node("h2")
    graph.forward(feeds)
    w_before = w.value.copy()
    graph.backward(keep_addends=True)
    from_h1, from_h2 = h1.addends[0], h2.addends[0]

    def show(a):
        return small_array(a, 8)

    notes = {
        f1: [f"dG/df1 = {show(from_h1)} + {show(from_h2)}", "(sum of the addends of h1 and h2)"],
        w: [f"updated: w ← w − {lr}·dG/dw", f"{show(w_before)} → {show(w.value)}"],
        root: ["seed dG/dG = 1 (G = sum of the root)"],
    }
    yield "backward_pass", draw(
        graph, grads=True, values=True, notes=notes, flow="backward", edge_shapes=False,
        title="The backward pass, with its numbers\n"
              "each successor sends an addend; a node sums them into dG/df and sends its own",
    )


def health(batch):
    """Health colouring: a frozen layer, a dead ReLU, and a NaN that spreads."""
    rng = np.random.default_rng(2)
    x = Input(name="x", shape=(None, 6))
    labels = Input(name="labels", shape=(None,), dtype=np.int64)
    frozen = nd.Linear(6, 6, name="frozen_layer", rng=rng)
    for p in frozen.parameters():
        p.freeze()
    h = nd.relu(frozen(x), name="relu_ok")
    dying = nd.Linear(6, 6, name="dying_layer", rng=rng)
    dying.bias.value[:] = -100.0  # pushes every pre-activation below zero
    dead = nd.relu(dying(h), name="relu_dead")
    # A side output (a second root) divides by zero: its NaN shows where it starts.
    broken = nd.div(h, nd.sub(h, h, name="zero"), name="divide_by_zero")
    logits = nd.Linear(6, 3, name="head", rng=rng)(dead)
    graph = Graph(nd.softmax_cross_entropy(logits, labels, name="loss"), broken)
    with np.errstate(all="ignore"):
        graph.forward({"x": rng.standard_normal((8, 6)), "labels": rng.integers(0, 3, 8)})
        graph.backward(keep_addends=True, update=False)
    title = "Health colours after a backward pass\na frozen layer, a dead ReLU, a NaN, vanishing gradients"
    yield "health", draw(graph, grads=True, title=title)


def cnn(batch):
    graph = classifier_graph(models.build("cnn", seed=0))
    after_backward(graph, batch)
    yield "cnn", draw(graph, grads=True, title=f"CNN after one backward pass\non a batch of {batch.what}")


def vit(batch):
    graph = classifier_graph(models.build("vit", seed=0))
    after_backward(graph, batch)
    yield "vit_collapsed", draw(graph, depth=0, title="Vision transformer\nevery block folded (depth=0)")
    yield "vit_block", draw(
        graph, depth=0, expand=["block1"], grads=True,
        title=f"Vision transformer with block1 opened (depth=0, expand=['block1'])\n"
              f"after one backward pass on a batch of {batch.what}",
    )


def stepper_screenshot(path):
    """A screenshot of the backward stepper's page of the teaching graph, at the step where f1 has received
    the first of its two addends (Debian's chromium, headless, driven by Playwright)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    graph, feeds = teaching_graph()
    trace = ag.trace_backward(graph, feeds, title="The backward pass, step by step")
    item = trace.scene.item("f1").id
    step = next(k for k, s in enumerate(trace.steps) if dict(s.text).get(f"{item}-ledger") == "addends 1/2")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]  # headless on a closed network
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = trace.save_html(os.path.join(folder, "backward.html"))
        browser = playwright.chromium.launch_persistent_context(
            os.path.join(folder, "profile"), executable_path="/usr/bin/chromium", headless=True, args=flags,
            viewport={"width": 1000, "height": 760}, device_scale_factor=1.5)
        page = browser.new_page()
        page.goto(Path(page_file).as_uri())
        for _ in range(step):
            page.keyboard.press("ArrowRight")
        page.screenshot(path=path)
        browser.close()
    return path


# Each maker takes a Batch and yields (file name, diagram) pairs. PNGs are
# drawn at `autograd.render.output.PNG_DPI`, twice the screen's resolution.
GALLERY = [mlp, residual_shared, backward_pass, health, cnn, vit]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "img"), help="folder for the images (default: img/)")
    parser.add_argument("--svg", action="store_true", help="also write SVG files")
    parser.add_argument("--no-download", action="store_true",
                        help="do not download MNIST when it is not found (draw with random pixels)")
    args = parser.parse_args(argv)
    batch = digits(download=not args.no_download)
    for make in GALLERY:
        for name, diagram in make(batch):
            for ext in ("png", "svg") if args.svg else ("png",):
                print("wrote", save(diagram, os.path.join(args.out, f"{name}.{ext}")))
    print("wrote", stepper_screenshot(os.path.join(args.out, "backward_stepper.png")))


if __name__ == "__main__":
    main()
