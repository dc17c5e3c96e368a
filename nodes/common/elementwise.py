"""The base class of elementwise nodes."""

from autograd import Node

from .shapes import broadcast_shape


class Elementwise(Node):
    """Base of elementwise nodes: the output shape is the inputs' broadcast.

    Subclasses write `forward` and `backward` as for any node; their addends
    may keep the broadcast output shape, which the engine reduces to each
    input's shape.
    """

    def infer_shape(self, *shapes):
        return broadcast_shape(*shapes)
