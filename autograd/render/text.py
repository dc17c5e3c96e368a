"""Text on the diagram: shapes with N for the batch axis, numbers, HTML labels, DOT quoting."""

import functools
import html
import math
import re

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


def batch_axis(length, batch):
    """The leading axis of a batch-dependent tensor, told relative to the batch size.

    None (drawn N) when it is the batch size; 'N·16' when it holds 16 rows
    per example (a (N, 16, 64) tensor reshaped to rows); 'N/2' when two
    examples share a row; the plain length when it is none of these.
    """
    if not batch or length in batch:
        return None
    for b in sorted(batch):
        if b and length % b == 0:
            return f"N·{length // b}"
    for b in sorted(batch):
        if length and b % length == 0:
            return f"N/{b // length}"
    return length


def shape_of(node, batch=frozenset()):
    """The node's shape as a tuple, or None if unknown.

    A dimension is an int, None for the batch axis (N), '?' for an unknown
    axis, or a string such as 'N·16' for a leading axis that is a multiple of
    the batch. The static shape (where None marks a batch-dependent axis)
    gives the structure; after a forward pass the value tells what each
    batch-dependent axis really is, so a (N, 16, 64) tensor reshaped to rows
    reads (N·16, 64) rather than a misleading (N, 64). Without a static
    shape, the value's first axis is the batch when its length is the fed
    batch size (or no batch size is known).
    """
    value = node.value
    vshape = None if value is None else tuple(np.shape(value))
    static = node.shape
    if static is not None:
        static = tuple(static)
        if None not in static:
            return static
        if vshape is None or len(vshape) != len(static):
            return (static[:1] + tuple("?" if d is None else d for d in static[1:])) if static else static
        lead = () if not static else (static[0] if static[0] is not None else batch_axis(vshape[0], batch),)
        return lead + tuple(v if d is None else d for d, v in zip(static[1:], vshape[1:]))
    if vshape is None:
        return None
    if vshape and not isinstance(node, (Parameter, Constant)) and (not batch or vshape[0] in batch):
        return (None,) + vshape[1:]
    return vshape


def format_shape(shape):
    """(None, 784) -> '(N, 784)'; () -> 'scalar'; unknown -> '?'."""
    if shape is None:
        return "?"
    if not shape:
        return "scalar"
    inner = ", ".join("N" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def number(x):
    """A compact number: 3 significant digits, scientific when far from 1."""
    x = float(x)
    if not math.isfinite(x):
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


def html_label(title, lines=(), grad_lines=(), warn_lines=(), note_lines=(), ink=None, aside=None):
    """A Graphviz HTML label: bold title, muted lines, gradient lines, notes, warnings.

    `aside` is short muted text on the title's line (a shape, say); `ink`
    draws every line in one colour (white on a red node, say).
    """
    muted, grad, plain = (ink, ink, ink) if ink else (MUTED, GRAD_TEXT, "#0f172a")
    head = f"<b>{escape(title)}</b>"
    if aside:
        head += f' <font point-size="9" color="{muted}">{escape(aside)}</font>'
    parts = [head]
    parts += [f'<font point-size="9" color="{muted}">{escape(t)}</font>' for t in lines]
    parts += [f'<font point-size="9" color="{grad}">{escape(t)}</font>' for t in grad_lines]
    parts += [f'<font point-size="9" color="{plain}">{escape(t)}</font>' for t in note_lines]
    parts += [f'<font point-size="9" color="{plain}"><b>{escape(t)}</b></font>' for t in warn_lines]
    return "<" + rows(parts) + ">"


def rows(parts):
    """Lines of an HTML label as the rows of a borderless table.

    Rows are as tall as their text really is, so the underscore of a bold
    title (drawn below the font's nominal descent) cannot run into the next
    line, as it does with <br/> in some fonts.
    """
    if len(parts) == 1:
        return parts[0]
    cells = "".join(f"<tr><td>{p}</td></tr>" for p in parts)
    return f'<table border="0" cellborder="0" cellspacing="0" cellpadding="0">{cells}</table>'


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape(text):
    """Text made safe inside a Graphviz HTML label, shown as it is.

    Control characters (line breaks included) become spaces: Graphviz's XML
    parser refuses them. A backslash is followed by a zero-width space, so that
    Graphviz does not read `\\N`, `\\G`... in a name as its own placeholders.
    """
    return _CONTROL.sub(" ", html.escape(str(text), quote=False)).replace("\\", "\\\u200b")



_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def quote(value):
    """A DOT attribute value or ID: bare when it is a plain ID or number, an HTML
    label (already `<...>`) as it is, anything else double-quoted with quotes,
    backslashes and line breaks escaped (so a name is shown literally)."""
    value = str(value)
    if value.startswith("<") and value.endswith(">"):
        return value
    return _quote(value)


@functools.lru_cache(maxsize=4096)  # colours, styles and widths repeat on every line
def _quote(value):
    if _ID.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def attr_list(attrs):
    """{'shape': 'box', 'label': '<...>'} -> '[label=<...> shape=box]' (label first)."""
    parts = []
    label = attrs.get("label")
    if label is not None:
        parts.append(f"label={quote(label)}")
    for key, value in attrs.items():
        if key != "label" and value is not None:
            parts.append(f"{key}={quote(value)}")
    return "[" + " ".join(parts) + "]"
