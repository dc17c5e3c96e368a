"""Parameter files: `.npz` archives keyed by stable parameter names.

Layout: `param/<name>` holds a parameter's value, `state/<name>/<key>` an
entry of its optimizer state, `buffer/<node>/<key>` a node's non-trained state
(batch norm's running statistics), `extra/<key>` anything the caller adds
(epoch, RNG state...). Loading never unpickles (`allow_pickle=False`), checks the
whole file against the graph before it changes anything, and writing goes to
a temporary file that replaces the old one only when complete.
"""

import zipfile

import numpy as np

from .errors import CheckpointError
from .files import atomic_write


def atomic_savez(path, arrays):
    """Write `arrays` to `path` as .npz so that a crash leaves the old file intact."""
    with atomic_write(path, prefix=".tmp-") as f:
        np.savez(f, **arrays)


def read_npz(path):
    """All arrays of an .npz file as a dict, with a clear error if unreadable."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise CheckpointError(f"parameter file {path!s} does not exist") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise CheckpointError(f"parameter file {path!s} is not a readable .npz archive: {e}") from None


def save_parameters(path, parameters, extra=None, buffered=()):
    arrays = {}
    for node in buffered:
        for key, value in node.buffers.items():
            arrays[f"buffer/{node.name}/{key}"] = value
    for p in parameters:
        arrays[f"param/{p.name}"] = p.value
        for key, value in p.state.items():
            arrays[f"state/{p.name}/{key}"] = np.asarray(value)
    for key, value in (extra or {}).items():
        arrays[f"extra/{key}"] = np.asarray(value)
    atomic_savez(path, arrays)


def load_parameters(path, parameters, buffered=()):
    """Load values and optimizer state into `parameters`; return the extras.

    Every check runs before any parameter changes, so a file that does not fit
    leaves the graph exactly as it was.
    """
    arrays = read_npz(path)
    by_name = {p.name: p for p in parameters}
    in_file = {key[len("param/"):] for key in arrays if key.startswith("param/")}
    missing = sorted(set(by_name) - in_file)
    unknown = sorted(in_file - set(by_name))
    if missing or unknown:
        raise CheckpointError(
            f"parameter file {path!s} does not fit the graph: "
            f"missing from the file {missing or 'none'}; in the file but not in the graph {unknown or 'none'}"
        )
    for name, p in by_name.items():
        stored = arrays[f"param/{name}"]
        if stored.shape != p.value.shape:
            raise CheckpointError(
                f"parameter '{name}' has shape {p.value.shape} in the graph but {stored.shape} "
                f"in the file {path!s}"
            )
        if stored.dtype.kind != "f":
            raise CheckpointError(f"parameter '{name}' in {path!s} has non-float dtype {stored.dtype}")
    for key, stored in arrays.items():
        if key.startswith("state/"):
            name, _, entry = key[len("state/"):].rpartition("/")
            if name not in by_name:
                raise CheckpointError(f"optimizer state {key!r} in {path!s} belongs to no parameter of the graph")
            shape = by_name[name].value.shape
            if stored.dtype.kind not in "fiu" or stored.ndim and stored.shape != shape:
                raise CheckpointError(
                    f"optimizer state '{entry}' of parameter '{name}' is {stored.dtype} {stored.shape} in the file "
                    f"{path!s}, but the parameter has shape {shape}"
                )
    for node in buffered:
        for key, value in node.buffers.items():
            stored = arrays.get(f"buffer/{node.name}/{key}")
            if stored is None or stored.shape != value.shape or stored.dtype.kind not in "fiub":
                found = "missing" if stored is None else f"{stored.dtype} {stored.shape}"
                raise CheckpointError(
                    f"buffer '{key}' of node '{node.name}' (shape {value.shape}) is {found} in the file {path!s}"
                )
    for node in buffered:
        for key, value in node.buffers.items():
            value[...] = arrays[f"buffer/{node.name}/{key}"]
    for name, p in by_name.items():
        p.value[...] = arrays[f"param/{name}"]
        prefix = f"state/{name}/"
        p.state = {k[len(prefix):]: v.copy() for k, v in arrays.items() if k.startswith(prefix)}
        for key, value in p.state.items():
            if value.dtype.kind == "f":
                p.state[key] = value.astype(p.value.dtype)
    return {k[len("extra/"):]: v for k, v in arrays.items() if k.startswith("extra/")}
