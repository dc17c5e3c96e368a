"""The drawn items: what a node's box says, and what a folded block's box says of its contents."""

import math
import re
from dataclasses import dataclass

from ..parameter import Parameter
from . import health
from .repeats import calls_by_index, sparkline
from .scene import Item
from .style import FLAG_ORDER, kind_of
from .text import count, number, small_array

#: A name this long or shorter carries its shape on the title's line (keeps nodes narrow).
_ASIDE_CHARS = 20
_SUFFIX = re.compile(r"_?\d+$")
#: How a folded block names a problem found inside it.
_BOX_WORDS = {"nonfinite": "NaN/inf", "dead_relu": "dead ReLU", "exploding": "exploding gradient",
              "vanishing": "vanishing gradient"}


@dataclass(slots=True)
class Facts:
    """What a drawing knows of every node before it draws any item (each worked out once)."""

    roots: tuple
    shapes: dict  # node -> its shape as drawn ('(N, 3)')
    flags: dict  # node -> its health flags, worst first (see `health.problems`)
    grads: dict  # node -> its current gradient (nodes without one are absent)
    grad_mode: str | None = None  # None, 'norm' or 'stats'
    value_limit: int = 0  # arrays with at most this many entries show their numbers
    notes: dict | None = None  # node -> the caller's lines
    stats: health.Stats | None = None
    reaching: dict | None = None  # box key of repeated calls -> the gradient norm reaching each call


def node_item(node, item_id, facts, on_spine=False):
    """The Item drawing `node`."""
    kind = kind_of(node, facts.roots)
    aside, lines = _describe(node, kind, facts.shapes[node], facts.value_limit)
    return Item(item_id, node.name, kind, short_name(node), aside, lines, grad_lines(node, facts),
                tuple(facts.notes.get(node, ())) if facts.notes else (), tuple(facts.flags[node]),
                f"{node.name} ({node.op})", on_spine)


def box_item(key, members, item_id, facts, partial=False, on_spine=False, calls=0):
    """The Item drawing the nodes `members` of scope `key` folded into one box.

    `partial`: a scope nested inside it is drawn open, so the box stands
    for the rest of it. `calls`: the box stands for that many calls of one
    block (titled 'cell × 28'). The box counts its nodes and parameters, the
    norm of its parameters' gradients taken together, the gradient reaching
    each call (when known, see `repeats`), and the worst problem of each
    kind inside it.
    """
    params = [n for n in members if isinstance(n, Parameter)]
    if calls:
        sizes = {len(call) for call in calls_by_index(key, members).values()}
        each = f"{sizes.pop()} nodes each" if len(sizes) == 1 else f"{len(members)} nodes"
        lines = (f"{calls} calls, {each} → {facts.shapes[members[-1]]}",)
    else:
        lines = (f"{len(members)} nodes → {facts.shapes[members[-1]]}",)
    if params:
        lines += (f"{count(sum(p.size for p in params))} params",)
    graded = [facts.stats.of(facts.grads[p]).norm for p in params if p in facts.grads]
    grads = (f"|dG/dθ| {number(math.sqrt(sum(x * x for x in graded)))}",) if graded else ()
    reaching = (facts.reaching or {}).get(key, ())
    if reaching:
        grads += (f"|dG| reaching calls 1…{len(reaching)}: {number(reaching[0])} … {number(reaching[-1])}",
                  sparkline(reaching))
    name = ".".join(key)
    title = f"{key[-1]} × {calls}" if calls else f"rest of {key[-1]}" if partial else key[-1]
    return Item(item_id, name, "block", title, None, lines, grads, (), box_flags(key, members, params, facts.flags),
                f"{name} (block)", on_spine, tuple(n.name for n in members), calls, reaching)


def box_flags(key, members, params, flags):
    """A folded block's flags: the first problem of each kind among `members`, worst kind first,
    saying where it is; 'frozen' only when every parameter inside is frozen."""
    first = {}
    for n in members:
        for flag, why in flags[n]:
            if flag != "frozen" and flag not in first:
                first[flag] = (n, why)
    found = []
    for flag in FLAG_ORDER:
        if flag in first:
            n, why = first[flag]
            found.append((flag, f"{_BOX_WORDS.get(flag, why)} in {short_name(n, key)}"))
    if params and all(p.frozen for p in params):
        found.append(("frozen", "frozen"))
    return tuple(found)


def grad_lines(node, facts):
    """The node's gradient in words: its norm, its mean and std ('stats'), or its numbers when small."""
    g = facts.grads.get(node)
    if g is None:
        return ()
    numbers = small_array(g, facts.value_limit) if facts.value_limit else None
    if numbers is not None:  # a small teaching graph: name the node, dG/dw
        return (f"dG/d{short_name(node)} {numbers}",)
    s = facts.stats.of(g)
    if facts.grad_mode == "stats" and s.size > 1:
        mean, std = s.mean_std()
        return (f"dG/df mean {number(mean)} std {number(std)}",)
    return (f"|dG/df| {number(s.norm)}",)


def _describe(node, kind, shape, value_limit):
    """(text beside the title, lines below it): the op once, unless the name says it, and the shape."""
    if kind == "parameter":
        aside, lines = None, (f"{shape}  {count(node.size)} params",)
    else:
        aside, lines = _what_and_shape(short_name(node), kind if kind in ("input", "constant") else str(node.op),
                                       shape)
        if kind == "constant" and not value_limit:
            aside, lines = _with_scalar_value(node, aside, lines)
    if value_limit and node.value is not None:
        numbers = small_array(node.value, value_limit)
        if numbers is not None:
            lines += (f"value {numbers}",)
    return aside, lines


def _what_and_shape(title, what, shape):
    if not says(title, what):
        return None, (f"{what} {shape}",)
    if len(title) + len(shape) <= _ASIDE_CHARS:  # beside a short title, below a long one
        return shape, ()
    return None, (shape,)


def _with_scalar_value(constant, aside, lines):
    """A one-number constant says its number where its shape is."""
    value = constant.value
    if value is None or value.size != 1:
        return aside, lines
    said = f"= {number(value.reshape(-1)[0])}"
    if lines:
        return aside, (f"{lines[0]} {said}",) + lines[1:]
    return f"{aside} {said}", lines


def says(name, op):
    """Whether a node's name already says its operation ('relu', 'relu1', 'add_3' for relu, relu, add)."""
    return name == op or _SUFFIX.sub("", name) == op


def short_name(node, key=None):
    """The name without the prefix of scope `key` (default: the node's own scope), which the
    surrounding cluster or box already shows."""
    prefix = ".".join(getattr(node, "scope", ()) or () if key is None else key)
    if prefix and node.name.startswith(prefix + "."):
        return node.name[len(prefix) + 1:]
    return node.name
