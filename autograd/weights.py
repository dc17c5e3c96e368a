"""Weight files in the safetensors format: the parameters and buffers people exchange, never pickled.

A `.safetensors` file holds one tensor per parameter, keyed by its stable
name (`fc1.weight`, `block1.attn.q.weight`), and one per buffer, keyed
`<owner>.<key>` (`conv1.bn.batch_norm.running_mean`): the keys of
`state_dict()` in nodegrad's layout. It holds weights only: no optimizer
state, no update count and no extras, which training checkpoints keep in
`.npz` (`autograd.checkpoint`). Loading a weights file leaves the optimizer
state and the update count as they were, as PyTorch's
`module.load_state_dict` leaves its optimizer alone.

Writing goes through a temporary file renamed into place when complete;
loading reads the whole file and checks it against the graph (names,
shapes, float dtypes) before anything changes, with the same checks and
messages as `.npz` files. The `safetensors` package is imported only here,
when such a file is used (`pip install 'nodegrad[safetensors]'`).
"""

import numpy as np

from .checkpoint import check_arrays, write_arrays
from .errors import CheckpointError
from .files import atomic_write

EXTENSION = ".safetensors"


def _numpy_api(path):
    try:
        import safetensors.numpy
    except ModuleNotFoundError:
        raise CheckpointError(
            f"{path!s} is a .safetensors file, which needs the safetensors package: pip install 'nodegrad[safetensors]'"
        ) from None
    return safetensors.numpy


def tensors_of(parameters, buffers):
    """{key: array} of the parameters and buffers, as a weights file stores them."""
    tensors = {p.name: p.value for p in parameters}
    for owner, entries in buffers:
        for key, value in entries.items():
            name = f"{owner}.{key}"
            if name in tensors:
                raise CheckpointError(f"the buffer '{key}' of '{owner}' and a parameter are both named '{name}'")
            tensors[name] = value
    return tensors


def save_weights(path, parameters, buffers=()):
    """Write the parameters' and buffers' values to the safetensors file `path`, atomically."""
    api = _numpy_api(path)
    # np.require, not np.ascontiguousarray, which would turn a 0-d array into a 1-d one.
    tensors = {key: np.require(value, requirements="C") for key, value in tensors_of(parameters, buffers).items()}
    data = api.save(tensors)
    with atomic_write(path, prefix=".tmp-") as f:
        f.write(data)


def read_weights(path):
    """All tensors of the safetensors file `path`, with a clear error if it cannot be read."""
    api = _numpy_api(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CheckpointError(f"weights file {path!s} does not exist") from None
    try:
        return api.load(data)
    except Exception as e:  # the Rust reader raises its own SafetensorError (and others) on a damaged file
        raise CheckpointError(f"weights file {path!s} is not a readable safetensors file: {e}") from None


def load_weights(path, parameters, buffers=()):
    """Check the whole file against `parameters` and `buffers`, then write its values into them.

    The keys are read as `tensors_of` writes them; a missing, unexpected or
    misshapen tensor is refused by name and nothing changes.
    """
    tensors = read_weights(path)
    arrays = {}
    for owner, entries in buffers:
        for key in entries:
            name = f"{owner}.{key}"
            if name in tensors:
                arrays[f"buffer/{owner}/{key}"] = tensors.pop(name)
    arrays.update({f"param/{name}": value for name, value in tensors.items()})
    check_arrays(path, arrays, parameters, buffers)
    write_arrays(arrays, parameters, buffers, with_state=False)
