"""DOT syntax: quoting IDs and attribute values, and Graphviz's HTML labels.

Everything written into the DOT text passes through here, so a node name
is shown as it is, whatever characters it holds.
"""

import functools
import html
import re

from .style import GRAD_TEXT, INK, MUTED


def html_label(title, lines=(), grad_lines=(), warn_lines=(), note_lines=(), ink=None, aside=None):
    """A Graphviz HTML label: bold title, muted lines, gradient lines, notes, warnings.

    `aside` is short muted text on the title's line (a shape, say); `ink`
    draws every line in one colour (white on a red node, say).
    """
    muted, grad, plain = (ink, ink, ink) if ink else (MUTED, GRAD_TEXT, INK)
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
