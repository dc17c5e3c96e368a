"""How each kind of node looks: shapes and colours, chosen to be told apart at a glance.

Inputs are blue ovals, parameters amber cylinders (stored state), operations
white rounded boxes, losses purple double octagons, collapsed blocks green
3-D boxes. Health problems override the fill: red for NaN/inf, orange for a
dead ReLU, grey for frozen parameters; vanishing or exploding gradients get a
thick coloured border (blue, magenta) so the kind stays visible.

Edges that carry an addend back are coloured along a green-to-purple ramp
(weak to strong, on a log scale) and widened with it; an edge that carries
no gradient is thin, grey and dashed, and an addend with NaN or inf is a
thick red edge.
"""

import functools

from ..node import Constant, Input
from ..parameter import Parameter

#: Liberation Sans is installed with Debian's graphviz (and metric-compatible
#: with Arial and Helvetica, which the list falls back to elsewhere); its line
#: spacing keeps the underscore of a bold title off the next line, which
#: DejaVu Sans does not. SVG output gets the same list as a CSS font-family.
FONT = "Liberation Sans,Arial,Helvetica,sans-serif"
#: For the legend's line swatches, which Liberation Sans lacks.
SYMBOL_FONT = "DejaVu Sans,sans-serif"
MUTED = "#475569"  # secondary text (op, shape)
GRAD_TEXT = "#9f1239"  # gradient annotations
INK = "#0f172a"  # captions

KINDS = {
    "input": {"shape": "oval", "style": "filled", "fillcolor": "#dbeafe", "color": "#1d4ed8"},
    "parameter": {"shape": "cylinder", "style": "filled", "fillcolor": "#fef3c7", "color": "#b45309"},
    "constant": {"shape": "oval", "style": "filled,dashed", "fillcolor": "#f1f5f9", "color": "#94a3b8"},
    "op": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#334155"},
    "loss": {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#ede9fe", "color": "#6d28d9"},
    "block": {"shape": "box3d", "style": "filled", "fillcolor": "#d1fae5", "color": "#047857", "margin": "0.12,0.09"},
}

#: Fill colours (and a font colour) for health problems, strongest first.
HEALTH = {
    "nonfinite": {"fillcolor": "#dc2626", "fontcolor": "#ffffff", "color": "#7f1d1d"},
    "dead_relu": {"fillcolor": "#fdba74", "color": "#c2410c"},
    "frozen": {"fillcolor": "#e5e7eb", "fontcolor": "#6b7280", "color": "#9ca3af"},
}
#: Borders for gradient-norm problems (the fill still tells the kind); neither
#: is the red of NaN/inf nor the orange of a dead ReLU.
BORDERS = {
    "vanishing": {"color": "#2563eb", "penwidth": "3"},
    "exploding": {"color": "#c026d3", "penwidth": "3"},
}
#: Every health flag, worst first, with the words of the legend.
FLAG_ORDER = ("nonfinite", "dead_relu", "exploding", "vanishing", "frozen")
LEGEND = {
    "nonfinite": (HEALTH["nonfinite"]["fillcolor"], "red: NaN/inf"),
    "dead_relu": (HEALTH["dead_relu"]["color"], "orange: dead ReLU"),
    "exploding": (BORDERS["exploding"]["color"], "magenta border: exploding gradient"),
    "vanishing": (BORDERS["vanishing"]["color"], "blue border: vanishing gradient"),
    "frozen": (HEALTH["frozen"]["color"], "grey: frozen"),
}

#: Cluster fills by nesting depth (outermost first), light enough for black text.
CLUSTER_FILLS = ("#f8fafc", "#eef2f7", "#e2e8f0", "#d7dee8")

#: Colour ramp for edge addends, weak to strong (viridis from green to purple:
#: even the weakest is a saturated colour, unlike the grey of NO_GRADIENT).
RAMP = ("#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
#: An edge that carries data forward but no addend back.
NO_GRADIENT = {"style": "dashed", "color": "#cbd5e1"}
#: An addend of exact zeros (sent, but it carries nothing: a dead ReLU's inputs).
ZERO_EDGE = {"color": "#94a3b8", "penwidth": "1"}
#: An addend with NaN or inf in it.
NONFINITE_EDGE = {"color": "#dc2626", "penwidth": "3", "fontcolor": "#dc2626"}
#: Plain data edges.
EDGE = "#64748b"

_LOSS_WORDS = ("loss", "entropy", "mse", "nll", "hinge")


def kind_of(node, roots=()):
    """'input', 'parameter', 'constant', 'loss' or 'op'.

    A loss is a node whose op names a loss, or a root whose value is a scalar.
    """
    if isinstance(node, Parameter):
        return "parameter"
    if isinstance(node, Input):
        return "input"
    if isinstance(node, Constant):
        return "constant"
    op = str(getattr(node, "op", "")).lower()
    if any(word in op for word in _LOSS_WORDS):
        return "loss"
    if node in roots and (node.shape == () or node.value is not None and node.value.ndim == 0):
        return "loss"
    return "op"


def item_attributes(kind, flags=()):
    """The Graphviz attributes of an item of `kind` carrying health `flags` (names).

    The strongest fill flag (NaN/inf, dead ReLU, frozen) replaces the kind's
    fill; a gradient-norm flag only changes the border, so the kind stays visible.
    """
    attrs = dict(KINDS[kind])
    for flag in ("nonfinite", "dead_relu", "frozen"):
        if flag in flags:
            attrs.update(HEALTH[flag])
            if flag == "frozen":
                attrs["style"] = attrs["style"] + ",dashed"
            break
    for flag in ("exploding", "vanishing"):
        if flag in flags:
            attrs.update(BORDERS[flag])
            break
    return attrs


def addend_width(strength):
    """The pen width of an edge whose addend has `strength` in [0, 1]: 1.2 to 4 points."""
    return f"{1.2 + 2.8 * strength:.2f}"


def arrow_size(width):
    """The arrowsize that keeps an edge's arrowhead about as long whatever its pen width
    (graphviz grows arrowheads with the pen, until they cover the node they point at)."""
    return f"{0.6 * min(1.0, 1.6 / float(width)) ** 0.5:.2f}"


def text_ink(colour, keep=0.62):
    """`colour` darkened (each channel times `keep`) so that words in it read on white."""
    return "#" + "".join(f"{round(c * keep):02x}" for c in _rgb(colour))


def ramp(t):
    """Colour for t in [0, 1] interpolated along RAMP (NaN counts as 0)."""
    t = float(t)
    if t != t:  # NaN
        t = 0.0
    return _ramp(round(min(max(t, 0.0), 1.0) * 256))


@functools.cache
def _ramp(step):
    t = step / 256 * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    frac = t - i
    a, b = _rgb(RAMP[i]), _rgb(RAMP[i + 1])
    return "#" + "".join(f"{round(x + (y - x) * frac):02x}" for x, y in zip(a, b))


def _rgb(hex_colour):
    return tuple(int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))
