"""MNIST: where the four files are found, how they are checked, and how they load.

Lookup order (the first place holding all four files wins):

1. the folder given with `--data DIR` (DIR or DIR/mnist);
2. the environment variable NODEGRAD_DATA (a folder holding `mnist/` or the files);
   when it is set, the files must be there: a missing folder or missing files
   are an error naming the variable, not a reason to download;
3. the user cache, `$XDG_CACHE_HOME/nodegrad/mnist` or `~/.cache/nodegrad/mnist`;
4. otherwise the files are downloaded into the cache from a few public mirrors.

Every file is checked against the SHA-256 of the official distribution before
use, so a damaged download or a different data set is refused, not trained on.
"""

import dataclasses
import hashlib
import http.client
import os
import urllib.request
from pathlib import Path

import numpy as np

from autograd.files import atomic_write

from .idx import IdxError, read_idx

ENV_VAR = "NODEGRAD_DATA"

#: The four official files: role -> (file name, SHA-256 of the .gz, SHA-256 of the gunzipped file).
FILES = {
    "train_images": (
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

#: Where the gzip files are downloaded from, tried in order: the original
#: site and two long-lived copies that the major deep-learning frameworks use.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

IMAGE_SHAPE = (28, 28)


class DataError(Exception):
    """The data cannot be found, downloaded or trusted; the message says what to do."""


@dataclasses.dataclass
class MNIST:
    """Images as float32 in [0, 1] of shape (N, 28, 28); labels as int64 of shape (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    folder: Path

    def limited(self, train=None, test=None):
        """The same data with only the first `train` training and `test` test samples (None: all)."""
        return dataclasses.replace(
            self,
            train_images=self.train_images[:train], train_labels=self.train_labels[:train],
            test_images=self.test_images[:test], test_labels=self.test_labels[:test],
        )


# -- lookup -------------------------------------------------------------------
def cache_dir(environ=None):
    """`$XDG_CACHE_HOME/nodegrad/mnist`, or `~/.cache/nodegrad/mnist`."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or str(Path.home()), ".cache")
    return Path(base) / "nodegrad" / "mnist"


def file_paths(folder):
    """role -> path of the gzip or raw file in `folder`, for the files present."""
    found = {}
    for role, (name, _, _) in FILES.items():
        for candidate in (Path(folder) / name, Path(folder) / name[: -len(".gz")]):
            if candidate.is_file():
                found[role] = candidate
                break
    return found


def _complete(folder):
    return len(file_paths(folder)) == len(FILES)


def needed_files_message(places):
    names = ", ".join(name for name, _, _ in FILES.values())
    where = "\n".join(f"  - {p}" for p in places)
    return (
        f"MNIST needs the four files {names} (gzipped or not).\nPut them in one of:\n{where}\n"
        f"or point --data (or the environment variable {ENV_VAR}) at the folder holding them."
    )


def locate(data_dir=None, environ=None, download=True, mirrors=MIRRORS, opener=None, progress=True):
    """The folder holding the four MNIST files, following the lookup order above.

    With `download`, missing files are fetched into the cache (with `opener`,
    a function `(url, timeout) -> file-like`, by default urllib's). Raises
    DataError saying which files are needed and where when all else fails.
    """
    environ = os.environ if environ is None else environ
    if data_dir is not None:
        folder = Path(data_dir).expanduser()
        if not folder.is_dir():
            raise DataError(f"data folder {folder} " + ("is not a folder" if folder.exists() else "does not exist"))
        for candidate in (folder, folder / "mnist"):
            if _complete(candidate):
                return candidate
        raise DataError(f"data folder {folder} lacks MNIST files.\n" + needed_files_message([folder, folder / "mnist"]))
    if environ.get(ENV_VAR):
        root = Path(environ[ENV_VAR]).expanduser()
        if not root.is_dir():
            raise DataError(f"the environment variable {ENV_VAR} names the folder {root}, which does not exist")
        for candidate in (root / "mnist", root):
            if _complete(candidate):
                return candidate
        raise DataError(
            f"the environment variable {ENV_VAR} names the folder {root}, which lacks MNIST files.\n"
            + needed_files_message([root / "mnist", root])
            + f"\n(unset {ENV_VAR} to use the user cache {cache_dir(environ)} instead)"
        )
    cache = cache_dir(environ)
    places = [cache]
    if _complete(cache):
        return cache
    if not download:
        raise DataError("MNIST was not found.\n" + needed_files_message(places))
    try:
        fetch_missing(cache, mirrors=mirrors, opener=opener, progress=progress)
    except DataError as e:
        message = f"MNIST was not found and could not be downloaded: {e}\n" + needed_files_message(places)
        raise DataError(message) from None
    return cache


# -- download -----------------------------------------------------------------
def _urlopen(url, timeout):
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - the URLs are the fixed mirrors above


def fetch_missing(folder, mirrors=MIRRORS, opener=None, progress=True, timeout=30):
    """Download the files missing from `folder`, trying each mirror in turn."""
    opener = opener or _urlopen
    folder = Path(folder)
    present = file_paths(folder) if folder.is_dir() else {}
    for role, (name, digest, _) in FILES.items():
        if role in present:
            continue
        failures = []
        for mirror in mirrors:
            try:
                download(mirror + name, folder / name, digest, opener=opener, progress=progress, timeout=timeout)
                break
            except (OSError, ValueError, http.client.HTTPException, DataError) as e:  # URLError is an OSError
                failures.append(f"{mirror}: {e}")
        else:
            raise DataError(f"{name} could not be fetched from any mirror ({'; '.join(failures) or 'none given'})")


def download(url, dest, sha256, opener=None, progress=True, timeout=30):
    """Fetch `url` to `dest` atomically (temp file, then rename) if its SHA-256 is `sha256`; returns `dest`.

    A partial or wrong download never appears under the final name; the file
    gets ordinary permissions (0666 minus the umask), like any file the user
    creates.
    """
    from tqdm import tqdm

    opener = opener or _urlopen
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    hasher = hashlib.sha256()
    with atomic_write(dest) as out, opener(url, timeout) as response:
        total = _content_length(response)
        with tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress, leave=False) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                hasher.update(chunk)
                bar.update(len(chunk))
        if hasher.hexdigest() != sha256:
            raise DataError(f"{url} served a file whose SHA-256 is {hasher.hexdigest()}, not the official {sha256}")
    return dest


def _content_length(response):
    headers = getattr(response, "headers", None)
    length = headers.get("Content-Length") if headers is not None else None
    return int(length) if length and length.isdigit() else None


# -- verification and loading -------------------------------------------------
def sha256_of(path):
    hasher = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            hasher.update(chunk)
    return hasher.hexdigest()


def verify(paths):
    """Check each file's SHA-256 against the official digest (gzip or raw)."""
    for role, path in paths.items():
        name, gz_digest, raw_digest = FILES[role]
        expected = gz_digest if path.suffix == ".gz" else raw_digest
        actual = sha256_of(path)
        if actual != expected:
            raise DataError(
                f"{path} is not the official {name}: its SHA-256 is {actual}, expected {expected}. "
                "The file is damaged or from another data set; delete it and fetch it again."
            )


def load(folder, check=True):
    """The MNIST arrays from `folder`, digests checked first (unless `check` is False)."""
    paths = file_paths(folder)
    missing = [FILES[role][0] for role in FILES if role not in paths]
    if missing:
        raise DataError(f"{folder} lacks {', '.join(missing)}")
    if check:
        verify(paths)
    arrays = {}
    try:
        for role, path in paths.items():
            shape = (None, *IMAGE_SHAPE) if role.endswith("images") else (None,)
            arrays[role] = read_idx(path, shape)
    except IdxError as e:
        raise DataError(str(e)) from None
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):
            raise DataError(
                f"{paths[f'{split}_images']} holds {len(images)} images but "
                f"{paths[f'{split}_labels']} holds {len(labels)} labels"
            )
    return MNIST(
        train_images=to_unit_float(arrays["train_images"]),
        train_labels=arrays["train_labels"].astype(np.int64),
        test_images=to_unit_float(arrays["test_images"]),
        test_labels=arrays["test_labels"].astype(np.int64),
        folder=Path(folder),
    )


def to_unit_float(pixels):
    """uint8 pixels 0..255 as float32 in [0, 1]."""
    return pixels.astype(np.float32) * np.float32(1 / 255)


def load_mnist(data_dir=None, download=True, **kwargs):
    """Find (or download), verify and load MNIST: `load(locate(...))`."""
    return load(locate(data_dir, download=download, **kwargs))


def shuffled_batches(n, batch_size, rng):
    """Index arrays of a random permutation of range(n), cut into batches (the last may be short)."""
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]
