"""nodegrad's node library, grouped by kind (one subpackage per kind)."""

from . import operators  # registers a + b, a @ b, x[i]... with the engine
from .activation import *  # noqa: F403
from .array import *  # noqa: F403
from .attention import *  # noqa: F403
from .connection import *  # noqa: F403
from .conv import *  # noqa: F403
from .linalg import *  # noqa: F403
from .loss import *  # noqa: F403
from .math import *  # noqa: F403
from .normalization import *  # noqa: F403
from .recurrent import *  # noqa: F403
from .regularization import *  # noqa: F403
