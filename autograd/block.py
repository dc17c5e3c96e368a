"""Blocks: composites that own their parameters and sub-blocks as attributes.

A block is a reusable piece of a model (a Linear layer, an attention block,
a whole network). Its parameters and sub-blocks are plain attributes; the
block finds them (`named_parameters()`), never a hand-kept list. Names
follow the attributes: the parameter `weight` of the block assigned to
`self.fc1` of a block `model` is `model.fc1.weight`; a block in a list
attribute `self.blocks` is `blocks.0`, `blocks.1`...; a name given to a
block (`Linear(4, 3, name="head")`) replaces its attribute's. A block that is
no attribute of another takes the name it was given, or else an automatic
one made unique per class (`linear`, `linear_1`, ...), prefixed by the scope
open where it was made. The same construction gives the same names in any
process, which is what checkpoints are keyed by.

Calling a block wires its nodes (`wire`, written by each block) inside the
block's scope, so that its nodes are `fc1.matmul`, `fc1.add`. Calling it
again shares its parameters (weight tying, a recurrent cell at every time
step: one parameter node receives the addends of every call, sums them and
is updated once) and gives each call's nodes names of their own: the second
call's are `fc1#1.matmul`, the third's `fc1#2.matmul`.
"""

import contextlib
import re

from .naming import check_name, current_scope, scope, unique_root_name
from .parameter import Parameter


def _snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class Block:
    """Base class of composites: parameters and sub-blocks are attributes, found and named by the block.

    Subclasses call `super().__init__(name)` first, assign their parameters
    and sub-blocks as attributes, and write `wire(self, *inputs)`, which
    builds the block's nodes on its input nodes and returns the output node(s).
    """

    #: The name an unnamed block takes when it is no attribute of another
    #: (default: the class name in snake case, `multi_head_self_attention`).
    default_name = None

    def __init__(self, name=None):
        self._given_name = check_name(name, "a block name")
        self._prefix = current_scope()  # where a top-level block was made
        self._parent = None
        self._local = None  # the name inside the parent
        self._root_name = None
        self._calls = {}  # enclosing scope -> how many calls were made there

    # -- ownership and names ---------------------------------------------------
    def __setattr__(self, attr, value):
        object.__setattr__(self, attr, value)
        if not attr.startswith("_"):
            for local, member in _members(attr, value):
                self._adopt(member, local)

    def _adopt(self, member, local):
        """Make `member` (a Parameter or Block) ours under `local`, unless it already has an owner."""
        if isinstance(member, Block):
            if member._parent is None and not self._descends_from(member):
                member._parent = self
                member._local = self._unique_local(member._given_name or local)
        elif member._owner is None:
            member._owner = self
            member._local = self._unique_local(local)

    def _descends_from(self, block):
        """Whether `block` is this block or one of its owners (adopting it would close a loop)."""
        node = self
        while node is not None:
            if node is block:
                return True
            node = node._parent
        return False

    def _unique_local(self, local):
        taken = {m._local for m in self._owned()}
        if local not in taken:
            return local
        k = 1
        while f"{local}_{k}" in taken:
            k += 1
        return f"{local}_{k}"

    def _owned(self):
        """Every parameter and block this block owns directly, in attribute order."""
        for attr, value in list(vars(self).items()):
            if not attr.startswith("_"):
                for _, member in _members(attr, value):
                    owner = member._parent if isinstance(member, Block) else member._owner
                    if owner is self and member._local is not None:
                        yield member

    def _adopt_all(self):
        """Adopt members added after assignment (a list appended to): they are named like the rest."""
        for attr, value in list(vars(self).items()):
            if not attr.startswith("_"):
                for local, member in _members(attr, value):
                    self._adopt(member, local)

    @property
    def name(self):
        """The block's full path (`model.blocks.0.attn`), the prefix of its parameters' names."""
        if self._parent is not None:
            return f"{self._parent.name}.{self._local}"
        return ".".join((*self._prefix, self._local_name()))

    def _local_name(self):
        """The last part of the name: the name inside the parent, else the given or automatic name."""
        if self._parent is not None:
            return self._local
        if self._root_name is None:
            self._root_name = self._given_name or unique_root_name(
                self._prefix, self.default_name or _snake(type(self).__name__)
            )
        return self._root_name

    # -- finding parameters -------------------------------------------------
    def named_blocks(self):
        """[(name, block)] of this block and every block below it, each once, parents first."""
        self._adopt_all()
        found, seen, stack = [], set(), [self]
        while stack:
            block = stack.pop(0)
            if id(block) in seen:
                continue
            seen.add(id(block))
            block._adopt_all()
            found.append((block.name, block))
            stack[:0] = [m for m in block._members() if isinstance(m, Block)]
        return found

    def _members(self):
        for attr, value in vars(self).items():
            if not attr.startswith("_"):
                for _, member in _members(attr, value):
                    yield member

    def named_parameters(self):
        """[(name, parameter)] of every parameter of this block and its sub-blocks, each once.

        The block's own parameters come first, then each sub-block's, in
        attribute order (the order of PyTorch's `named_parameters`).
        """
        found, seen = [], set()
        for _, block in self.named_blocks():
            for member in block._members():
                if isinstance(member, Parameter) and id(member) not in seen:
                    seen.add(id(member))
                    found.append((member.name, member))
        return found

    def own_buffers(self):
        """{local name: live array} of the non-trained arrays the block keeps (running statistics); none here."""
        return {}

    # -- state dicts (autograd.state) ----------------------------------------
    def state_dict(self, layout="nodegrad"):
        """{key: array} of the block's parameters and buffers, keys relative to the block (`fc1.weight`).

        `layout="torch"` gives PyTorch's names and layouts (each block's
        `export_state` says how); the arrays are copies.
        """
        from .state import state_dict

        return state_dict(self, layout)

    def load_state_dict(self, state, layout="nodegrad"):
        """Write `state` (as `state_dict(layout)` gives it) into the parameters and buffers, in place.

        The whole state is checked first: a missing or unexpected tensor, or
        one of another shape, is refused naming it, and nothing changes.
        """
        from .state import load_state_dict

        load_state_dict(self, state, layout)

    def export_state(self, state, layout):
        """Hook: this block's state (own arrays in nodegrad's layout, sub-blocks' already in `layout`) in `layout`.

        The default keeps names and layouts: blocks whose PyTorch module has
        the same names and shapes need no hook.
        """
        return state

    def import_state(self, state, layout):
        """Hook, the inverse of `export_state`: own arrays back to nodegrad's names and layouts."""
        return state

    def parameters(self):
        """Every parameter of this block and its sub-blocks, each once."""
        return [p for _, p in self.named_parameters()]

    @property
    def parameter_count(self):
        """Number of trainable values."""
        return sum(p.size for p in self.parameters())

    def freeze(self):
        """Freeze every parameter of the block (no gradients, no updates)."""
        for p in self.parameters():
            p.freeze()
        return self

    def unfreeze(self):
        """Train every parameter of the block again."""
        for p in self.parameters():
            p.unfreeze()
        return self

    # -- wiring -------------------------------------------------------------
    def __call__(self, *inputs, **options):
        """Wire the block on `inputs` in a scope of this call's own (see the module docstring)."""
        with self.calling():
            return self.wire(*inputs, **options)

    @contextlib.contextmanager
    def calling(self):
        """The scope of one call of this block: `fc1` for the first call made here, `fc1#1` for the second...

        `__call__` wires inside it; a block with another way in (attention
        on token rows, say) opens it the same way, so its nodes are named alike.
        """
        self._adopt_all()
        enclosing = current_scope()
        count = self._calls.get(enclosing, 0)
        self._calls[enclosing] = count + 1
        with scope(self._local_name() if count == 0 else f"{self._local_name()}#{count}") as prefix:
            yield prefix

    def wire(self, *inputs, **options):
        """Build the block's nodes on `inputs` and return the output node (written by each block)."""
        raise NotImplementedError(f"{type(self).__name__} has no wire()")

    def __repr__(self):
        return f"<{type(self).__name__} '{self.name}' ({self.parameter_count} parameters)>"


def _members(attr, value):
    """(local name, member) for a Parameter or Block attribute, or each one in a list, tuple or dict of them."""
    if isinstance(value, (Parameter, Block)):
        return [(attr, value)]
    if isinstance(value, (list, tuple)):
        return [(f"{attr}.{k}", v) for k, v in enumerate(value) if isinstance(v, (Parameter, Block))]
    if isinstance(value, dict):
        return [(f"{attr}.{k}", v) for k, v in value.items() if isinstance(v, (Parameter, Block))]
    return []
