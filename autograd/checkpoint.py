"""Parameter files: `.npz` archives keyed by stable parameter names.

Layout: `param/<name>` holds a parameter's value, `state/<name>/<key>` an
entry of its optimizer state, `buffer/<owner>/<key>` a non-trained array
(batch norm's running statistics, owned by `<block>.batch_norm`),
`extra/<key>` anything the caller adds (epoch, RNG state...), `graph/updates`
the number of updates applied (what schedules count; 0 in older files). Loading never
unpickles (`allow_pickle=False`), checks the whole file against the graph
before it changes anything, and writing goes to a temporary file that
replaces the old one only when complete.
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


def save_parameters(path, parameters, extra=None, buffers=(), updates=0):
    """Write `parameters` (values and optimizer state), `buffers` [(owner, dict)], `updates` and `extra` to `path`."""
    arrays = {"graph/updates": np.asarray(updates, dtype=np.int64)}
    for owner, entries in buffers:
        for key, value in entries.items():
            arrays[f"buffer/{owner}/{key}"] = value
    for p in parameters:
        arrays[f"param/{p.name}"] = p.value
        for key, value in p.state.items():
            arrays[f"state/{p.name}/{key}"] = np.asarray(value)
    for key, value in (extra or {}).items():
        arrays[f"extra/{key}"] = np.asarray(value)
    atomic_savez(path, arrays)


def load_parameters(path, parameters, buffers=()):
    """Load values and optimizer state into `parameters` and `buffers`; return (the extras, the update count).

    Every check runs before any parameter changes, so a file that does not fit
    leaves the graph exactly as it was.
    """
    arrays = read_npz(path)
    check_arrays(path, arrays, parameters, buffers)
    updates = _updates(path, arrays)
    write_arrays(arrays, parameters, buffers, with_state=True)
    return {k[len("extra/"):]: v for k, v in arrays.items() if k.startswith("extra/")}, updates


def check_arrays(path, arrays, parameters, buffers):
    """Refuse `arrays` (keyed as in this module's layout) unless they fit the parameters and buffers in full."""
    by_name = {p.name: p for p in parameters}
    _check_names(path, arrays, by_name)
    _check_parameters(path, arrays, by_name)
    _check_state(path, arrays, by_name)
    _check_buffers(path, arrays, buffers)


def write_arrays(arrays, parameters, buffers, with_state):
    """Write checked `arrays` into the buffers and parameters (and, `with_state`, their optimizer state)."""
    for owner, entries in buffers:
        for key, value in entries.items():
            value[...] = arrays[f"buffer/{owner}/{key}"]
    for p in parameters:
        p.value[...] = arrays[f"param/{p.name}"]
        if with_state:
            p.state = _state_of(arrays, p.name, p.value.dtype)


def _updates(path, arrays):
    stored = arrays.get("graph/updates")
    if stored is None:
        return 0  # written before schedules counted updates
    if stored.shape != () or stored.dtype.kind not in "iu" or stored < 0:
        raise CheckpointError(f"the update count in {path!s} is {stored.dtype} {stored.shape} {stored!r}, "
                              "not a non-negative integer")
    return int(stored)


def _check_names(path, arrays, by_name):
    """The file has exactly the graph's parameters; otherwise say which differ, and which look renamed."""
    in_file = {key[len("param/"):]: arrays[key] for key in arrays if key.startswith("param/")}
    missing = sorted(set(by_name) - set(in_file))
    unknown = sorted(set(in_file) - set(by_name))
    if not (missing or unknown):
        return
    renamed = [
        f"'{old}' -> '{new}'" for old, new in zip(unknown, missing)
        if in_file[old].shape == by_name[new].value.shape
    ]
    hint = ""
    if renamed and len(unknown) == len(missing) == len(renamed):
        hint = (f"; the shapes match pairwise, so the parameters may have been renamed ({', '.join(renamed)}): "
                "a block's parameters are named by its path, so build the model with the names it was saved with")
    raise CheckpointError(
        f"parameter file {path!s} does not fit the graph: missing from the file {missing or 'none'}; "
        f"in the file but not in the graph {unknown or 'none'}{hint}"
    )


def _check_parameters(path, arrays, by_name):
    for name, p in by_name.items():
        stored = arrays[f"param/{name}"]
        if stored.shape != p.value.shape:
            raise CheckpointError(
                f"parameter '{name}' has shape {p.value.shape} in the graph but {stored.shape} in the file {path!s}"
            )
        if stored.dtype.kind != "f":
            raise CheckpointError(f"parameter '{name}' in {path!s} has non-float dtype {stored.dtype}")


def _check_state(path, arrays, by_name):
    for key, stored in arrays.items():
        if not key.startswith("state/"):
            continue
        name, _, entry = key[len("state/"):].rpartition("/")
        if name not in by_name:
            raise CheckpointError(f"optimizer state {key!r} in {path!s} belongs to no parameter of the graph")
        shape = by_name[name].value.shape
        if stored.dtype.kind not in "fiu" or stored.ndim and stored.shape != shape:
            raise CheckpointError(
                f"optimizer state '{entry}' of parameter '{name}' is {stored.dtype} {stored.shape} in the file "
                f"{path!s}, but the parameter has shape {shape}"
            )


def _check_buffers(path, arrays, buffers):
    for owner, entries in buffers:
        for key, value in entries.items():
            stored = arrays.get(f"buffer/{owner}/{key}")
            if stored is None or stored.shape != value.shape or stored.dtype.kind not in "fiub":
                found = "missing" if stored is None else f"{stored.dtype} {stored.shape}"
                raise CheckpointError(
                    f"buffer '{key}' of node '{owner}' (shape {value.shape}) is {found} in the file {path!s}"
                )


def _state_of(arrays, name, dtype):
    """The optimizer state of parameter `name` in the file, its float entries in the parameter's dtype."""
    prefix = f"state/{name}/"
    state = {}
    for key, value in arrays.items():
        if key.startswith(prefix):
            state[key[len(prefix):]] = value.astype(dtype) if value.dtype.kind == "f" else value.copy()
    return state
