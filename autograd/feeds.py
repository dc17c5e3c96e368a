"""Feeding a graph's inputs: by node or by name, every input exactly once."""

import difflib

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
    names = [i.name for i in inputs]
    for inp in inputs:
        if inp.name not in by_name:
            raise FeedError(
                f"input '{inp.name}' was not fed{_closest(inp.name, set(by_name) - set(names), 'you fed')}; "
                f"feed it with graph.forward({{'{inp.name}': array}}) (the graph's inputs: {names})"
            )
        inp.feed(by_name.pop(inp.name))
    if by_name:
        hints = "".join(_closest(name, names, "an input is called") for name in sorted(by_name))
        raise FeedError(f"fed names that are not inputs of this graph: {sorted(by_name)}{hints}")


def _closest(name, candidates, what):
    """'; did you mean ...' for the candidate closest to `name` (a typo), or nothing."""
    close = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" ({what} '{close[0]}': a typo?)" if close else ""
