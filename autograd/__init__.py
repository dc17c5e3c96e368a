"""nodegrad's engine: tensor-valued nodes, graphs, parameters, gradient checks.

The engine stands alone: it imports neither the node library (`nodes`) nor
graphviz. `autograd.draw` and `autograd.trace_backward` (a backward pass you
can step through) load the renderer (and graphviz) on first use.

Note: the import name `autograd` is shared with the unrelated HIPS autograd
package; install one or the other in an environment, not both.
"""

from .block import Block
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
from .gradients import grad, hessian, hvp, jvp
from .graph import Graph
from .naming import scope
from .node import Constant, Input, Leaf, Node, as_node
from .parameter import Parameter
from .rules import SGD, Adagrad, Adam, AdamW, RMSprop, Rule
from .schedules import Cosine, Exponential, LinearWarmup, OneCycle, Schedule, Sequence, StepDecay

__all__ = [
    "Adagrad", "Adam", "AdamW", "AnomalyError", "BackwardError", "Block", "CheckpointError", "Constant", "Cosine",
    "CycleError", "Exponential", "FeedError", "GradcheckError", "GradcheckReport", "Graph", "GraphError", "Input",
    "Leaf", "LinearWarmup", "Node", "NodeError", "OneCycle", "Parameter", "RMSprop", "Rule", "Schedule",
    "Sequence", "SGD", "ShapeError", "StepDecay", "as_node", "check_node", "default_dtype", "draw",
    "get_default_dtype", "grad", "gradcheck", "hessian", "hvp", "jvp", "scope", "set_default_dtype",
    "trace_backward",
]
__version__ = "0.1.0"


def __getattr__(name):
    # `draw` and `trace_backward` live in the renderer, a layer above the engine:
    # import it (and graphviz) only when asked for.
    if name == "draw":
        from .render import draw

        return draw
    if name == "trace_backward":
        from .render.stepper import trace_backward

        return trace_backward
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
