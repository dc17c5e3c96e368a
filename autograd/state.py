"""State dicts: a block's parameters and buffers as a plain dict of arrays, in nodegrad's layout or another's.

`block.state_dict(layout)` and `block.load_state_dict(state, layout)` (see
`Block`) run here. Keys are relative to the block, as PyTorch's
`module.state_dict()`: a Linear's are `weight` and `bias`, a transformer
block's `attn.q.weight`... In the layout "nodegrad" the keys are the
parameters' own names below the block and the arrays are the parameters'
(and buffers') values as they are. Another layout ("torch": PyTorch's names
and layouts) is reached through a per-block hook:

    export_state(state, layout) -> state in `layout`
    import_state(state, layout) -> state with own keys in nodegrad's layout

Each block's hook sees its own arrays (nodegrad names and layouts) and its
sub-blocks' arrays already exported (prefixed by the sub-block's nodegrad
name), so a hook only renames and reshapes what belongs to it: a Linear
transposes its weight, a transformer block renames its sub-blocks
(`rename_prefixes`), attention packs q, k and v into one array. A block
without a hook has the same names and layout in every layout.

Loading checks the whole state before it changes anything: the state must
have exactly the keys, shapes and kinds (float or integer) that
`state_dict(layout)` gives, or StateError names the tensor as the state calls
it. Then every array is converted and only then written into the parameters
and buffers, in place (cast to their dtypes).
"""

import numpy as np

from .errors import CheckpointError
from .parameter import Parameter

#: The layouts every block knows: nodegrad's own, and PyTorch's names and layouts.
LAYOUTS = ("nodegrad", "torch")


class StateError(CheckpointError):
    """A state dict does not fit a block: the message names the tensor, and what was expected."""


def check_layout(layout):
    """Refuse a layout no block knows."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(map(repr, LAYOUTS))}")


# -- exporting ------------------------------------------------------------------
def state_dict(block, layout="nodegrad"):
    """{key: array (a copy)} of `block`'s parameters and buffers and its sub-blocks', in `layout`."""
    check_layout(layout)
    return _export(block, layout)


def _export(block, layout):
    state = {key: np.array(value) for key, value in own_arrays(block).items()}
    for local, child in sub_blocks(block).items():
        state.update(prefixed(_export(child, layout), local))
    return block.export_state(state, layout) if layout != "nodegrad" else state


def group_state_dict(blocks, layout="nodegrad"):
    """The state of several top-level blocks together, each key prefixed by its block's full name."""
    check_layout(layout)
    state = {}
    for block in blocks:
        state.update(prefixed(_export(block, layout), block.name))
    return state


# -- importing ------------------------------------------------------------------
def load_state_dict(block, state, layout="nodegrad"):
    """Check `state` against `block` in full, then write it into the block's parameters and buffers."""
    check_layout(layout)
    check_fits(state, _export(block, layout))
    _write(_assignments(block, dict(state), layout))


def load_group_state_dict(blocks, state, layout="nodegrad"):
    """`load_state_dict` for several top-level blocks whose keys start with the blocks' full names."""
    check_layout(layout)
    check_fits(state, group_state_dict(blocks, layout))
    pairs = []
    for block in blocks:
        pairs += _assignments(block, unprefixed(state, block.name), layout)
    _write(pairs)


def check_fits(state, expected):
    """Refuse a state whose keys, shapes or kinds differ from `expected`, naming the first tensor that differs."""
    missing = [key for key in expected if key not in state]
    unknown = [key for key in state if key not in expected]
    if missing or unknown:
        raise StateError(
            f"the state does not fit: missing {_listed(missing)}; not expected {_listed(unknown)}"
        )
    for key, want in expected.items():
        got = np.asarray(state[key])
        if got.shape != want.shape:
            raise StateError(f"tensor '{key}' has shape {got.shape}, expected {want.shape}")
        kind = "a float" if want.dtype.kind == "f" else "an integer"
        if got.dtype.kind != want.dtype.kind and not (want.dtype.kind in "iu" and got.dtype.kind in "iu"):
            raise StateError(f"tensor '{key}' is {got.dtype}, expected {kind} array")


def _listed(keys):
    if not keys:
        return "none"
    shown = ", ".join(f"'{k}'" for k in keys[:6])
    return shown + (f" and {len(keys) - 6} more" if len(keys) > 6 else "")


def _assignments(block, state, layout):
    """[(live array, new value)] for `block` and its sub-blocks, from a state already checked to fit."""
    if layout != "nodegrad":
        state = block.import_state(state, layout)
    pairs = []
    own = own_arrays(block)
    children = sub_blocks(block)
    for key, target in own.items():
        pairs.append((target, np.asarray(state[key])))
    for local, child in children.items():
        pairs += _assignments(child, unprefixed(state, local), layout)
    return pairs


def _write(pairs):
    """Every check has passed: write the values in place (cast to each target's dtype)."""
    for target, value in pairs:
        target[...] = value


# -- what a block holds ---------------------------------------------------------
def own_arrays(block):
    """{local name: live array} of the parameters a block owns directly and of its buffers (`own_buffers`)."""
    arrays = {m._local: m.value for m in block._owned() if isinstance(m, Parameter)}
    arrays.update(block.own_buffers())
    return arrays


def sub_blocks(block):
    """{local name: block} of the blocks `block` owns directly, in attribute order (what it owns are blocks or
    parameters)."""
    return {m._local: m for m in block._owned() if not isinstance(m, Parameter)}


def root_blocks(parameters):
    """The top-level blocks owning `parameters`, each once, in order; refuses a parameter no block owns."""
    roots = {}
    for p in parameters:
        block = p._owner
        if block is None:
            raise StateError(f"parameter '{p.name}' belongs to no block, so no state dict holds it")
        while block._parent is not None:
            block = block._parent
        roots.setdefault(id(block), block)
    return list(roots.values())


# -- helpers for hooks ------------------------------------------------------------
def prefixed(state, prefix):
    """The same arrays with `prefix.` before every key."""
    return {f"{prefix}.{key}": value for key, value in state.items()}


def unprefixed(state, prefix):
    """The entries of `state` below `prefix.`, with it taken off."""
    start = prefix + "."
    return {key[len(start):]: value for key, value in state.items() if key.startswith(start)}


def rename_prefixes(state, names):
    """Each key whose first dotted part is `old` gets `new` there instead, for each old -> new of `names`."""
    renamed = {}
    for key, value in state.items():
        head, dot, rest = key.partition(".")
        renamed[names.get(head, head) + dot + rest] = value
    return renamed


def rename_keys(state, names):
    """The same arrays with each key `old` of `names` called `names[old]`."""
    return {names.get(key, key): value for key, value in state.items()}
