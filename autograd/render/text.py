"""Text on the diagram: shapes with N for the batch axis, numbers, HTML labels."""

import html

import numpy as np

from ..node import Constant
from ..parameter import Parameter
from .style import GRAD_TEXT, MUTED


def batch_sizes(nodes):
    """First-axis lengths of the fed inputs whose declared batch axis is None."""
    sizes = set()
    for n in nodes:
        if n.is_leaf and not isinstance(n, (Parameter, Constant)) and n.value is not None:
            declared = n.shape
            if np.ndim(n.value) and (declared is None or declared and declared[0] is None):
                sizes.add(n.value.shape[0])
    return sizes


def shape_of(node, batch=frozenset()):
    """The node's shape as a tuple with None for the batch axis, or None if unknown.

    The static shape (where None already marks the batch) wins; otherwise the
    value's shape after a forward pass, its first axis taken as the batch when
    its length is the fed batch size (or no batch size is known).
    """
    if node.shape is not None:
        return tuple(node.shape)
    value = node.value
    if value is None:
        return None
    shape = tuple(np.shape(value))
    if shape and not isinstance(node, (Parameter, Constant)) and (not batch or shape[0] in batch):
        return (None,) + shape[1:]
    return shape


def format_shape(shape):
    """(None, 784) -> '(N, 784)'; unknown -> '?'."""
    if shape is None:
        return "?"
    inner = ", ".join("N" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def number(x):
    """A compact number: 3 significant digits, scientific when far from 1."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)  # 'nan', 'inf', '-inf'
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    return f"{x:.2e}"


def count(n):
    """12345 -> '12,345'."""
    return f"{int(n):,}"


def small_array(a, limit):
    """The numbers of a small array, or None when it has more than `limit` entries."""
    a = np.asarray(a)
    if a.size > limit:
        return None
    if a.ndim == 0:
        return number(a)
    return "[" + " ".join(number(v) for v in a.reshape(-1)) + "]"


def html_label(title, lines=(), grad_lines=(), warn_lines=(), note_lines=(), ink=None):
    """A Graphviz HTML label: bold title, muted lines, gradient lines, notes, warnings.

    `ink` draws every line in one colour (white on a red node, say).
    """
    muted, grad, plain = (ink, ink, ink) if ink else (MUTED, GRAD_TEXT, "#0f172a")
    parts = [f"<b>{escape(title)}</b>"]
    parts += [f'<font point-size="10" color="{muted}">{escape(t)}</font>' for t in lines]
    parts += [f'<font point-size="10" color="{grad}">{escape(t)}</font>' for t in grad_lines]
    parts += [f'<font point-size="10" color="{plain}">{escape(t)}</font>' for t in note_lines]
    parts += [f'<font point-size="10" color="{plain}"><b>{escape(t)}</b></font>' for t in warn_lines]
    return "<" + "<br/>".join(parts) + ">"


def html_lines(lines, colour=MUTED, size=10):
    """Several lines of one colour as an HTML label body (without the outer <>)."""
    return "<br/>".join(f'<font point-size="{size}" color="{colour}">{escape(t)}</font>' for t in lines)


def escape(text):
    """Text made safe inside a Graphviz HTML label."""
    return html.escape(str(text), quote=False)

