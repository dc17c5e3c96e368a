"""Which gradients belong to the values on the drawing."""

from autograd.render.gradients import NO_ADDENDS, NOT_COMPUTED, STALE, current_gradients, drawn_gradients


def test_current_gradients_tell_leaves_by_their_consumers(small_net):
    graph, feeds = small_net
    graph.forward(feeds)
    graph.backward(update=False)
    current, stale = current_gradients(graph.nodes)
    assert graph.parameter("fc.weight") in current and not stale
    assert current[graph.node("act")] is graph.node("act").grad
    graph.forward(feeds, grad=False)
    current, stale = current_gradients(graph.nodes)
    assert not current and graph.parameter("fc.weight") in stale and graph.node("act") in stale


def test_drawn_gradients_and_their_captions(small_net):
    graph, feeds = small_net
    assert drawn_gradients(graph.nodes, None).current == {}
    assert drawn_gradients(graph.nodes, "norm").captions == (NOT_COMPUTED,)
    graph.forward(feeds)
    graph.backward(update=False)
    found = drawn_gradients(graph.nodes, "stats")
    assert found.mode == "stats" and not found.with_addends and found.captions == (NO_ADDENDS,)
    graph.forward(feeds)
    graph.backward(keep_addends=True, update=False)
    found = drawn_gradients(graph.nodes, "norm")
    assert found.with_addends and found.captions == () and len(found.current) == 6  # all but the two inputs
    graph.forward(feeds, grad=False)
    assert drawn_gradients(graph.nodes, "norm").captions == (STALE,)
