"""nodegrad's engine: tensor-valued nodes, graphs, parameters, gradient checks.

Note: the import name `autograd` is shared with the unrelated HIPS autograd
package; install one or the other in an environment, not both.
"""

from .config import default_dtype, get_default_dtype, set_default_dtype
from .errors import (
    AnomalyError,
    BackwardError,
    CheckpointError,
    CycleError,
    FeedError,
    GraphError,
    NodeError,
    ShapeError,
)
from .gradcheck import GradcheckError, GradcheckReport, check_node, gradcheck
from .graph import Graph
from .naming import scope
from .node import Constant, Input, Leaf, Node, as_node
from .optim import SGD, Adam
from .parameter import Parameter
from .render import draw as draw

__all__ = [
    "Adam", "AnomalyError", "BackwardError", "CheckpointError", "Constant", "CycleError",
    "FeedError", "GradcheckError", "GradcheckReport", "Graph", "GraphError", "Input", "NodeError", "Leaf",
    "Node", "Parameter", "SGD", "ShapeError", "as_node", "check_node", "default_dtype",
    "get_default_dtype", "gradcheck", "scope", "set_default_dtype",
]
__version__ = "0.1.0"
