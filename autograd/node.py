"""The node protocol.

A node is one operation in the graph. Its value is a numpy array whose first
axis is the batch (except for reductions to a scalar, such as a loss). To add a
node type, subclass `Node` and write two methods:

    forward(self, *xs) -> y
        Compute the output from the input values. Store on `self` whatever
        backward will need, but only when `self.keep` is true: in inference
        (`graph.forward(..., grad=False)`) nothing is kept.

    backward(self, g) -> tuple of addends, one per input
        `g` is dG/df for this node's output f (G is the root, usually the
        loss), already summed over all successors by the engine. Return the
        vector-Jacobian products dG/df * df/dx_i, one per input, in input
        order; `None` for an input that gets no gradient. `self.needs[i]` is
        false for inputs that need no gradient, so expensive addends can be
        skipped. An addend may have a broadcast shape: the engine sums it back
        to the input's shape (broadcasting is undone once, there).

Optionally, `infer_shape(self, *shapes)` returns the output shape from the
input shapes (None marks the batch axis), so that a mismatch is reported when
the node is wired rather than at the first forward pass.

For gradients of gradients (`autograd.grad(..., create_graph=True)`), a node
also writes `vjp(self, g)`: the same addends as `backward`, but built of
nodes from the node `g` (dG/df), its input nodes `self.inputs` and the node
itself (`self`, whose value is f), so that the backward pass is a graph
that can be run again and differentiated. It may use nothing of one forward
pass's arrays: a mask or an index that the forward computed is a node too.
A node type that cannot says why in `first_order_only`. A node with
`differentiable = False` takes part in no backward pass and needs no `vjp`.
"""

import numpy as np

from . import config
from .errors import FeedError, GraphError, ShapeError, describe, static_shape
from .naming import current_scope, make_name
from .operators import Operators


class Node(Operators):
    """Base class of every node: wiring, naming and the two-method protocol.

    What a node holds: its `inputs`, `name`, `scope` and static `shape`
    (wiring); `value`, the output of the last forward pass that ran it, with
    `stamp` marking that pass; `grad` (dG/df) and `addends` (what it sent
    its inputs, when kept), published by the last backward pass that
    succeeded, with `grad_stamp` naming the forward pass they belong to.
    `keep`, `training` and `needs` are set by each pass before it calls the
    node, so a node shared by several graphs always sees the settings of the
    pass that is running it.
    """

    #: Short operation name shown in diagrams and errors.
    op = "node"
    #: Nodes that never pass gradients (argmax, labels...) set this False.
    differentiable = True
    #: Arrays that are state but not trained (batch norm's running statistics):
    #: a dict name -> array, saved and loaded with the parameters.
    buffers = None
    #: The name the buffers are saved under: the node's own name unless a
    #: block that shares one buffers dict across its calls says otherwise.
    buffer_name = None
    #: Why a node type has no `vjp` (gradients of its gradients), if it has none on purpose.
    first_order_only = None

    def __init__(self, *inputs, name=None):
        self.inputs = tuple(as_node(x) for x in inputs)
        self.name = make_name(name, self.op)
        self.scope = current_scope()
        self.value = None
        self.grad = None
        self.addends = None
        self.needs = (True,) * len(self.inputs)  # which inputs want an addend (set by each backward pass)
        self.training = True  # False in evaluation mode (set by each forward pass)
        self.keep = True  # False in inference: forward keeps nothing for backward (set by each forward pass)
        self.stamp = None
        self.grad_stamp = None
        self.shape = None  # so that repr works while infer_shape runs
        self.shape = self._static_shape()

    # -- the protocol ---------------------------------------------------
    def forward(self, *xs):
        """The output value from the input values (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def backward(self, g):
        """One addend per input from g = dG/df (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} has no backward()")

    def vjp(self, g):
        """The addends of `backward` built of nodes from the node g (see the module docstring)."""
        reason = f": {self.first_order_only}" if self.first_order_only else ""
        raise NotImplementedError(
            f"{type(self).__name__} ({self.op}) has no differentiable backward (vjp), so gradients of its "
            f"gradients cannot be taken{reason}"
        )

    def infer_shape(self, *shapes):
        """Output shape from input shapes, or None when it cannot be told."""
        return None

    # -- helpers ---------------------------------------------------------
    @property
    def is_leaf(self):
        """True for nodes without inputs (parameters, inputs, constants)."""
        return not self.inputs

    def _static_shape(self):
        shapes = [i.shape for i in self.inputs]
        if any(s is None for s in shapes):
            return None
        try:
            shape = self.infer_shape(*shapes)
        except ShapeError as e:
            raise ShapeError(f"{describe(self, values=False)}: {e} (found at wiring)") from None
        except Exception as e:  # a shape rule's own bug, reported where it happened: at wiring
            raise ShapeError(
                f"{describe(self, values=False)}: its shape rule (infer_shape) raised {type(e).__name__} "
                f"at wiring: {e}"
            ) from e
        return None if shape is None else tuple(shape)

    def __repr__(self):
        shape = self.value.shape if self.value is not None else self.shape
        return f"<{type(self).__name__} '{self.name}' shape={shape}>"

    __hash__ = object.__hash__


class Leaf(Node):
    """A node with no inputs whose value is set from outside.

    Only leaves say whether they want a gradient (`requires_grad`); the graph
    derives it for every other node from its inputs.
    """

    requires_grad = False

    def forward(self):  # pragma: no cover - leaves are never computed
        return self.value

    def backward(self, g):
        """A leaf sends nothing on."""
        return ()


class Input(Leaf):
    """A value fed at every forward pass, such as a batch of images.

    `shape` may use None for axes that vary (the batch axis); `dtype` is the
    dtype the feed is converted to (floats to the default float dtype, integer
    labels stay integers). A feed of another kind (floats for integer labels,
    strings, objects) is refused with an error naming the input.
    """

    op = "input"

    def __init__(self, name=None, shape=None, dtype=None, requires_grad=False):
        self.requires_grad = bool(requires_grad)  # gradcheck asks for dG/dinput this way
        self.dtype = np.dtype(dtype) if dtype is not None else config.get_default_dtype()
        super().__init__(name=name)
        self.shape = None if shape is None else tuple(shape)

    def feed(self, value):
        """Check `value` against this input's dtype and shape and store it."""
        array = np.asarray(value)
        kind, want = array.dtype.kind, self.dtype.kind
        if want == "f" and kind not in "fiub" or want in "iu" and kind not in "iu" or want == "b" and kind != "b":
            raise _feed_error(self, array, f"expects {self.dtype} values, got {array.dtype}")
        if array.dtype != self.dtype:
            array = array.astype(self.dtype)
        if self.shape is not None:
            if len(self.shape) != array.ndim or any(
                d is not None and d != a for d, a in zip(self.shape, array.shape)
            ):
                raise _feed_error(self, array, "has the wrong shape")
        self.value = array


def _feed_error(node, array, what):
    return FeedError(
        f"input '{node.name}' (declared shape {static_shape(node.shape)}, dtype {node.dtype}) "
        f"{what}: fed shape {tuple(array.shape)} {array.dtype}"
    )


class Constant(Leaf):
    """A fixed array wired into the graph; it gets no gradient.

    Numbers and integer or float arrays take the default float dtype (so that
    `x * [1, 2]` keeps a float32 graph float32) unless `dtype` is given;
    boolean arrays (masks) stay boolean.
    """

    op = "constant"

    def __init__(self, value, name=None, dtype=None):
        array = np.asarray(value)
        if dtype is not None:
            array = array.astype(dtype)
        elif array.dtype.kind in "fiu":
            array = array.astype(config.get_default_dtype())
        super().__init__(name=name)
        self.value = array
        self.shape = array.shape

    @property
    def requires_grad(self):
        """Always False: a constant gets no gradient (and cannot be told otherwise)."""
        return False


def as_node(x):
    """Wrap a Python number or numpy array as a Constant; pass nodes through."""
    if isinstance(x, Node):
        return x
    if isinstance(x, (int, float, np.ndarray, np.generic, list, tuple)):
        return Constant(x)
    raise GraphError(f"cannot use {type(x).__name__} {x!r} as a node input")
