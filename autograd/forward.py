"""The forward pass: every computed node in topological order, and errors that say which node failed.

A node that fails is reported with its name, operation and input shapes
(an engine error its forward raised without naming it gets them added).
When numpy's own words are about shapes, the node's shape rule
(`infer_shape`), asked about the actual input shapes, usually says better
what is wrong; shapes unknown at wiring (a batch axis, an input declared
without a shape) are only checked then.
"""

import numpy as np

from . import config
from .errors import GraphError, NodeError, ShapeError, at_node, describe
from .ledger import check_finite


def run_forward(computed, stamp, keep, training, detect_anomaly):
    """Compute `node.value` for each node of `computed` (in order), marking each with `stamp`."""
    node = None
    try:
        for node in computed:
            node.keep = keep
            node.training = training
            node.stamp = stamp
            inputs = node.inputs
            # One and two inputs (most nodes) without building an argument list: the engine's cost per node.
            if len(inputs) == 1:
                node.value = node.forward(inputs[0].value)
            elif len(inputs) == 2:
                node.value = node.forward(inputs[0].value, inputs[1].value)
            else:
                node.value = node.forward(*[i.value for i in inputs])
            if getattr(node.value, "dtype", None) is not inputs[0].value.dtype:  # the cheap usual case first
                check_output(node)
            if detect_anomaly:
                check_finite(node.value, f"the forward value of {describe(node)}")
    except GraphError as e:
        raise at_node(node, e, "forward")  # noqa: B904 - the cause is set inside
    except Exception as e:
        raise forward_error(node, e) from e


def check_output(node):
    """Refuse a forward that returned no numpy array, or floats of a dtype none of its inputs has."""
    value = node.value
    if not isinstance(value, (np.ndarray, np.generic)):
        raise NodeError(f"{describe(node)}: forward must return a numpy array, got {type(value).__name__}")
    floats = {i.value.dtype for i in node.inputs if np.asarray(i.value).dtype.kind == "f"}
    if value.dtype.kind == "f" and floats and value.dtype not in floats:
        raise NodeError(
            f"{describe(node)}: forward returned {value.dtype} values from {'/'.join(sorted(map(str, floats)))} "
            "inputs: a node must keep its inputs' float dtype (no float64 temporaries in a float32 graph)"
        )
    default = config.get_default_dtype()
    if value.dtype.kind == "f" and not floats and value.dtype != default:  # else found only at a later backward
        raise NodeError(
            f"{describe(node)}: forward returned {value.dtype} values from inputs without floats: a node that "
            f"makes floats makes them of the default float dtype, {default} (config.get_default_dtype())"
        )


def forward_error(node, error):
    """The GraphError that reports `error`, raised by `node.forward`, naming the node."""
    mismatch = _shape_mismatch(node)
    if mismatch is not None:  # the node's own shape rule says what is wrong, better than numpy's words
        return ShapeError(f"{describe(node)}: {mismatch}")
    if isinstance(error, ValueError):
        kind = ShapeError if _about_shapes(error) else NodeError
        return kind(f"{describe(node)} failed in forward: {error}")
    return GraphError(f"{describe(node)} failed in forward: {type(error).__name__}: {error}")


def _shape_mismatch(node):
    """What the node's `infer_shape` says of the actual input shapes, or None if it finds no fault."""
    try:
        node.infer_shape(*[i.value.shape for i in node.inputs])
    except ShapeError as e:
        return str(e)
    except Exception:  # a shape rule that cannot judge these shapes adds nothing to the error
        return None
    return None


def _about_shapes(error):
    """Whether a ValueError from numpy is about shapes (broadcasting, matmul, reshape)."""
    text = str(error).lower()
    return any(word in text for word in ("shape", "broadcast", "dimension", "size", "axis"))
