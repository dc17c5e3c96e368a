"""Exceptions raised by the engine.

Every message names the node involved, its operation, its inputs and their
shapes, so that a user can find the offending line of graph-building code.
"""


class GraphError(Exception):
    """Base class of every error the engine raises on purpose."""


class ShapeError(GraphError, ValueError):
    """Shapes of a node's inputs (or of an addend) do not fit together."""


class NodeError(GraphError, ValueError):
    """A node's forward refused the values it got (for example labels out of range)."""


class CycleError(GraphError):
    """The wiring contains a cycle; the message lists the nodes on it."""


class FeedError(GraphError, ValueError):
    """An input was not fed, or was fed a value of the wrong kind."""


class BackwardError(GraphError, RuntimeError):
    """Backward was called when it cannot run (no forward, or twice)."""


class AnomalyError(GraphError, FloatingPointError):
    """Anomaly mode found NaN or inf in a node's value or gradient."""


class CheckpointError(GraphError, ValueError):
    """A parameter file is unreadable or does not fit the graph."""


def describe(node, values=True):
    """One line naming `node`, its operation and its inputs with shapes.

    With `values` the shapes and dtypes of the current values are used
    (after a forward pass); otherwise the statically known shapes.
    """
    parts = []
    for inp in node.inputs:
        value = inp.value if values else None
        if value is not None:
            shape = f"{tuple(value.shape)} {value.dtype}"
        else:
            shape = static_shape(inp.shape)
        parts.append(f"'{inp.name}' {shape}")
    joined = ", ".join(parts) if parts else "none"
    return f"node '{node.name}' ({node.op}) with inputs {joined}"


def static_shape(shape):
    """Format a static shape, writing N for the batch axis (None)."""
    if shape is None:
        return "(shape unknown)"
    return "(" + ", ".join("N" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def at_node(node, error, step):
    """`error` (a GraphError) itself when it names `node`, else one of its class that does, saying in which `step`.

    A node's own forward or backward may raise an engine error without
    knowing its name (a reduction told an axis out of range): the pass that
    ran it adds the name, operation and input shapes; the cause is kept.
    """
    if node is None or f"node '{node.name}'" in str(error):
        return error
    try:
        named = type(error)(f"{describe(node)} failed in {step}: {error}")
    except TypeError:  # an error class with a constructor of its own: better unnamed than lost
        return error
    named.__cause__ = error
    return named
