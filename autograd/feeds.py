"""Feeding a graph's inputs: by node or by name, every input exactly once."""

from .errors import FeedError
from .node import Input


def feed_inputs(inputs, feeds, named_feeds):
    """Give each of `inputs` its array from `feeds` (keys: Input nodes or names) or `named_feeds`.

    A missing input, or a name that is no input of the graph, is a FeedError
    naming it; each input checks its own array (`Input.feed`).
    """
    by_name = {}
    if feeds:
        for key, value in feeds.items():
            by_name[key.name if isinstance(key, Input) else key] = value
    by_name.update(named_feeds)
    for inp in inputs:
        if inp.name not in by_name:
            raise FeedError(
                f"input '{inp.name}' was not fed; feed it with graph.forward({{'{inp.name}': array}}) "
                f"(the graph's inputs: {[i.name for i in inputs]})"
            )
        inp.feed(by_name.pop(inp.name))
    if by_name:
        raise FeedError(f"fed names that are not inputs of this graph: {sorted(by_name)}")
