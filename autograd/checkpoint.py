"""Parameter files: `.npz` archives keyed by stable parameter names.

Layout: `param/<name>` holds a parameter's value, `state/<name>/<key>` an
entry of its optimizer state, `buffer/<owner>/<key>` a non-trained array
(batch norm's running statistics, owned by `<block>.batch_norm`),
`extra/<key>` anything the caller adds (epoch, RNG state...), `graph/updates`
the number of updates applied (what schedules count; 0 in older files). Loading never
unpickles, reads the arrays' headers and checks them against the graph
before it reads any data (autograd.npz), and checks the whole file before it
changes anything. Saving checks `extra` before it writes anything, and
writes to a temporary file that replaces the old one only when complete and
read back (so a save never replaces a loadable checkpoint with one that
does not load).
"""

import numpy as np

from .errors import CheckpointError
from .files import atomic_write
from .npz import read_checked

#: The most bytes a file's entries other than the graph's parameters, their state and buffers
#: (the extras) may take: what `save_parameters` writes and `read_npz` reads without a graph's shapes to check.
MAX_EXTRA_BYTES = 256 * 2**20

#: The kinds of array an extra entry may be: booleans, numbers and strings (never Python objects).
EXTRA_KINDS = "biufcUS"


def atomic_savez(path, arrays):
    """Write `arrays` to `path` as .npz so that a crash, or a file that would not read back, leaves the old intact."""
    with atomic_write(path, prefix=".tmp-", verify=lambda tmp: verify_read_back(path, tmp, arrays)) as f:
        np.savez(f, **arrays)


def verify_read_back(path, tmp, written, read=read_checked, what="checkpoint", entries="entries"):
    """Refuse the freshly written `tmp` unless `read(tmp)` gives back the keys, shapes and dtypes of `written`.

    The check every save makes before its file replaces `path` (`what` and
    `entries` name the kind of file and its contents in the sentence).
    """
    try:
        back = read(tmp)
        same = back.keys() == written.keys() and all(
            back[k].shape == np.shape(v) and back[k].dtype == np.asarray(v).dtype for k, v in written.items())
    except CheckpointError as e:
        same, why = False, f": {e}"
    else:
        why = f": its {entries} differ from those written"
    if not same:
        raise CheckpointError(f"the {what} written for {path!s} did not read back{why}; {path!s} was left as is")


def read_npz(path, check=None, select=None, limit=MAX_EXTRA_BYTES):
    """All arrays of an .npz file as a dict, with one clear sentence if it is not a readable checkpoint.

    Nothing is read before the headers are: `select(key)` keeps only some
    entries; `check(headers)` (see autograd.npz.Header) may refuse them and
    returns the keys whose shapes it pinned to the graph's; every other
    entry counts against `limit` bytes, so that a forged header announcing
    a huge array is refused instead of allocated.
    """
    def checked(headers):
        pinned = check(headers) if check is not None else set()
        loose = {key: h for key, h in headers.items() if key not in pinned}
        total = sum(h.nbytes for h in loose.values())
        if total > limit:
            key = max(loose, key=lambda k: loose[k].nbytes)
            raise CheckpointError(
                f"parameter file {path!s} announces {total} bytes of entries outside the graph's parameters "
                f"(the largest, '{key}', a {loose[key].dtype} array of shape {loose[key].shape}), more than the "
                f"{limit} a checkpoint's extras may take"
            )

    return read_checked(path, check=checked, select=select)


def check_extra(path, extra):
    """{`extra/<key>`: array} of the caller's `extra` entries, or a ValueError naming the first that cannot be saved.

    A checkpoint holds arrays of booleans, numbers or strings, never pickled
    Python objects (which it could not load back): a dict, None or a ragged
    list is refused before anything is written.
    """
    arrays = {}
    for key, value in (extra or {}).items():
        if not isinstance(key, str):
            raise ValueError(f"extra entry {key!r} for {path!s}: the keys of extra must be strings")
        what = f"extra[{key!r}] for {path!s}"
        try:
            array = np.asarray(value)
        except ValueError:
            raise ValueError(f"{what} is a ragged sequence (its items differ in length), which makes no array; "
                             "save each part as its own entry, or json.dumps it") from None
        if array.dtype.kind not in EXTRA_KINDS:
            raise ValueError(f"{what} is {type(value).__name__} {_short(value)}, which a checkpoint cannot hold: "
                             "give booleans, numbers, strings or arrays of them (json.dumps a dict)")
        arrays[f"extra/{key}"] = array
    total = sum(a.nbytes for a in arrays.values())
    if total > MAX_EXTRA_BYTES:
        raise ValueError(f"the extra entries for {path!s} take {total} bytes, more than the {MAX_EXTRA_BYTES} a "
                         "checkpoint's extras may take (a file that large would be refused when loaded)")
    return arrays


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def save_parameters(path, parameters, extra=None, buffers=(), updates=0):
    """Write `parameters` (values and optimizer state), `buffers` [(owner, dict)], `updates` and `extra` to `path`.

    `extra` is checked first (see check_extra): a value the file could not
    hold, or hold and load back, raises before anything is written.
    """
    extras = check_extra(path, extra)
    arrays = {"graph/updates": np.asarray(updates, dtype=np.int64)}
    for owner, entries in buffers:
        for key, value in entries.items():
            arrays[f"buffer/{owner}/{key}"] = value
    for p in parameters:
        arrays[f"param/{p.name}"] = p.value
        for key, value in p.state.items():
            arrays[f"state/{p.name}/{key}"] = np.asarray(value)
    arrays.update(extras)
    atomic_savez(path, arrays)


def load_parameters(path, parameters, buffers=()):
    """Load values and optimizer state into `parameters` and `buffers`; return (the extras, the update count).

    Every check runs before any parameter changes, so a file that does not fit
    leaves the graph exactly as it was.
    """
    arrays = read_npz(path, check=lambda headers: check_arrays(path, headers, parameters, buffers))
    updates = _updates(path, arrays)
    write_arrays(arrays, parameters, buffers, with_state=True)
    return {k[len("extra/"):]: v for k, v in arrays.items() if k.startswith("extra/")}, updates


def check_arrays(path, arrays, parameters, buffers):
    """Refuse `arrays` (keyed as in this module's layout) unless they fit the parameters and buffers in full.

    `arrays` may hold arrays or only their headers (autograd.npz.Header:
    shape and dtype). Returns the keys whose shapes were checked against
    the graph's: the parameters, their optimizer state and the buffers.
    """
    by_name = {p.name: p for p in parameters}
    _check_names(path, arrays, by_name)
    _check_parameters(path, arrays, by_name)
    _check_state(path, arrays, by_name)
    _check_buffers(path, arrays, buffers)
    owned = {f"buffer/{owner}/{key}" for owner, entries in buffers for key in entries}
    return {key for key in arrays if key.startswith(("param/", "state/")) or key in owned}


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
        count = stored.ndim == 0 and stored.dtype.kind in "iu"  # a step count; every other entry is w-shaped
        if stored.dtype.kind not in "fiu" or not count and stored.shape != shape:
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
