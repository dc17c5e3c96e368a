"""Weight files in the safetensors format: the parameters and buffers people exchange, never pickled.

A `.safetensors` file holds one tensor per parameter, keyed by its stable
name (`fc1.weight`, `block1.attn.q.weight`), and one per buffer, keyed
`<owner>.<key>` (`conv1.bn.batch_norm.running_mean`): the keys of
`state_dict()` in nodegrad's layout. It holds weights only: no optimizer
state, no update count and no extras, which training checkpoints keep in
`.npz` (`autograd.checkpoint`). Loading a weights file leaves the optimizer
state and the update count as they were, as PyTorch's
`module.load_state_dict` leaves its optimizer alone.

Writing goes through a temporary file renamed into place when complete and
read back; loading reads the tensors' header first and checks it against
the graph (names, shapes, float dtypes) before it reads any data, with the
same checks and messages as `.npz` files, so nothing changes on a mismatch.
The `safetensors` package is imported only here, when such a file is used (`pip install 'nodegrad[safetensors]'`).
"""

import numpy as np

from .checkpoint import check_arrays, verify_read_back, write_arrays
from .errors import CheckpointError
from .files import atomic_write
from .npz import Header, what_it_is

EXTENSION = ".safetensors"

#: The numpy dtype of each safetensors dtype name numpy has.
DTYPES = {
    "BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16", "U32": "uint32",
    "I32": "int32", "U64": "uint64", "I64": "int64", "F16": "float16", "F32": "float32", "F64": "float64",
}


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
    def verify(tmp):
        verify_read_back(path, tmp, tensors, read_weights, what="weights", entries="tensors")

    with atomic_write(path, prefix=".tmp-", verify=verify) as f:
        f.write(data)


def read_weights(path, check=None):
    """All tensors of the safetensors file `path`, with one clear sentence if it cannot be read.

    `check({key: Header})` may refuse the tensors from their header (shapes
    and dtypes) before any data is read.
    """
    api = _numpy_api(path)
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except FileNotFoundError:
        raise CheckpointError(f"weights file {path!s} does not exist") from None
    except OSError as e:
        raise CheckpointError(f"weights file {path!s} cannot be read: {e.strerror}") from None
    try:
        with api.safe_open(path, framework="np") as f:
            headers = {key: _header(path, key, f.get_slice(key)) for key in f.keys()}
            if check is not None:
                check(headers)
            return {key: f.get_tensor(key) for key in headers}
    except CheckpointError:
        raise
    except Exception as e:  # the Rust reader raises its own SafetensorError (and others) on a damaged file
        why = what_it_is(head) or e
        raise CheckpointError(f"weights file {path!s} is not a readable safetensors file: {why}") from None


def _header(path, key, tensor):
    name = tensor.get_dtype()
    if name not in DTYPES:
        raise CheckpointError(f"tensor '{key}' of {path!s} has dtype {name}, which numpy has not")
    return Header(tuple(tensor.get_shape()), np.dtype(DTYPES[name]), key)


def load_weights(path, parameters, buffers=()):
    """Check the whole file against `parameters` and `buffers`, then write its values into them.

    The keys are read as `tensors_of` writes them; a missing, unexpected or
    misshapen tensor is refused by name and nothing changes.
    """
    def check(headers):  # before any data is read
        check_arrays(path, _arrays(headers, buffers), parameters, buffers)

    arrays = _arrays(read_weights(path, check=check), buffers)
    write_arrays(arrays, parameters, buffers, with_state=False)


def _arrays(tensors, buffers):
    """The weights file's {key: tensor} keyed as checkpoints are (`param/<name>`, `buffer/<owner>/<key>`)."""
    tensors, arrays = dict(tensors), {}
    for owner, entries in buffers:
        for key in entries:
            name = f"{owner}.{key}"
            if name in tensors:
                arrays[f"buffer/{owner}/{key}"] = tensors.pop(name)
    arrays.update({f"param/{name}": value for name, value in tensors.items()})
    return arrays
