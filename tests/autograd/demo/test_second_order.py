"""The demo's models have second derivatives: every node they wire has a vjp, checked against finite differences."""

import numpy as np
import pytest

import autograd as ag
import nodes as nd
from autograd.demo import models

#: Small versions of the models (the layers and nodes of the full ones); the CNN without dropout's randomness.
OPTIONS = {"logistic": {}, "mlp": {"hidden": (8,)}, "cnn": {"dropout_p": 0.0},
           "vit": {"dim": 8, "depth": 1, "heads": 2, "mlp_hidden": 8}, "lstm": {"hidden": 4}, "gru": {"hidden": 4}}


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_the_second_derivatives_of_the_loss_in_the_first_and_last_small_parameters(name):
    with ag.default_dtype(np.float64):
        model = models.build(name, **OPTIONS[name])
        labels = ag.Input("labels", shape=(None,), dtype=np.int64)
        loss = nd.softmax_cross_entropy(model.logits, labels)
    graph = ag.Graph(loss)
    small = [p for p in graph.parameters if p.value.size <= 64]
    feeds = {model.image.name: np.random.default_rng(0).random((2, 28, 28)), "labels": np.array([3, 7])}
    wrt = list(dict.fromkeys([small[0], small[-1]]))  # the logistic model has one small parameter, its bias
    report = ag.gradcheck(graph, feeds, wrt=wrt, order=2)
    assert report.ok and len(report.rows) == len(wrt)
