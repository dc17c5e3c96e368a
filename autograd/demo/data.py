"""The data sets (MNIST, Fashion-MNIST): where their four files are found, how they are checked, how they load.

Both are four IDX files of the same names and sizes (60,000 training and
10,000 test images of 28x28 pixels, 10 classes). Lookup order for a data set
whose folder is called F (`mnist`, `fashion-mnist`); the first place
holding all four files wins:

1. the folder given with `--data DIR` (DIR or DIR/F);
2. the environment variable NODEGRAD_DATA (a folder holding `mnist/` and
   `fashion-mnist/`, or the four files themselves); when it is set, the
   files must be there: a missing folder or missing files are an error
   naming the variable, not a reason to download;
3. the user cache, `$XDG_CACHE_HOME/nodegrad/F` or `~/.cache/nodegrad/F`;
4. otherwise the files are downloaded into the cache from a few public mirrors.

Every file is checked before use against the official SHA-256 of its
decompressed bytes: the same IDX data passes whoever gzipped it (the
official archives, or a copy re-compressed by a distribution), and a
damaged download or a file of the other data set is refused.
"""

import contextlib
import dataclasses
import errno
import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from autograd.files import atomic_write

from .idx import ContentHasher, IdxError, parse_idx, read_bytes

ENV_VAR = "NODEGRAD_DATA"
IMAGE_SHAPE = (28, 28)


@dataclasses.dataclass(frozen=True)
class Source:
    """A data set's files: `files` maps role -> (file name, SHA-256 of the decompressed file)."""

    name: str  # the --dataset name
    title: str  # for messages
    folder: str  # its folder below NODEGRAD_DATA and the cache
    files: dict
    mirrors: tuple  # where the gzip files are downloaded from, tried in order


#: MNIST (LeCun, Cortes and Burges): the original site and two long-lived copies the major frameworks use.
MNIST_SOURCE = Source(
    "mnist", "MNIST", "mnist",
    {
        "train_images": ("train-images-idx3-ubyte.gz",
                         "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        "train_labels": ("train-labels-idx1-ubyte.gz",
                         "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        "test_images": ("t10k-images-idx3-ubyte.gz",
                        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        "test_labels": ("t10k-labels-idx1-ubyte.gz",
                        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    },
    (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
)

#: Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017, Zalando): its own download site and its repository's copy.
FASHION_SOURCE = Source(
    "fashion-mnist", "Fashion-MNIST", "fashion-mnist",
    {
        "train_images": ("train-images-idx3-ubyte.gz",
                         "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        "train_labels": ("train-labels-idx1-ubyte.gz",
                         "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        "test_images": ("t10k-images-idx3-ubyte.gz",
                        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        "test_labels": ("t10k-labels-idx1-ubyte.gz",
                        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    },
    (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
)

#: --dataset name -> Source.
SOURCES = {source.name: source for source in (MNIST_SOURCE, FASHION_SOURCE)}
#: MNIST's files and mirrors, under the names they had before there was a second data set.
FILES, MIRRORS = MNIST_SOURCE.files, MNIST_SOURCE.mirrors


class DataError(Exception):
    """The data cannot be found, downloaded or trusted; the message says what to do."""


@dataclasses.dataclass
class MNIST:
    """A loaded data set (MNIST or Fashion-MNIST, `name`): images as float32 in [0, 1] of shape (N, 28, 28),
    labels as int64 of shape (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    folder: Path
    name: str = "mnist"

    @property
    def title(self):
        """The data set's name as written: MNIST, Fashion-MNIST."""
        return SOURCES[self.name].title

    def limited(self, train=None, test=None):
        """The same data with only the first `train` training and `test` test samples (None: all)."""
        return dataclasses.replace(self, train_images=self.train_images[:train], train_labels=self.train_labels[:train],
                                   test_images=self.test_images[:test], test_labels=self.test_labels[:test])


# -- lookup -------------------------------------------------------------------
def cache_dir(environ=None, source=MNIST_SOURCE):
    """`$XDG_CACHE_HOME/nodegrad/<folder>`, or `~/.cache/nodegrad/<folder>` (`mnist`, `fashion-mnist`)."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or str(Path.home()), ".cache")
    return Path(base) / "nodegrad" / source.folder


def file_paths(folder, source=MNIST_SOURCE):
    """role -> path of the gzip or raw file in `folder`, for the files present."""
    found = {}
    for role, (name, _) in source.files.items():
        for candidate in (Path(folder) / name, Path(folder) / name[: -len(".gz")]):
            if candidate.is_file():
                found[role] = candidate
                break
    return found


def _complete(folder, source):
    return len(file_paths(folder, source)) == len(source.files)


def needed_files_message(places, source=MNIST_SOURCE):
    names = ", ".join(name for name, _ in source.files.values())
    where = "\n".join(f"  - {p}" for p in places)
    return (
        f"{source.title} needs the four files {names} (gzipped or not).\nPut them in one of:\n{where}\n"
        f"or point --data (or the environment variable {ENV_VAR}) at the folder holding them."
    )


def locate(data_dir=None, environ=None, download=True, mirrors=None, opener=None, progress=True, source=MNIST_SOURCE):
    """The folder holding the four files of `source`, following the lookup order above.

    With `download`, missing files are fetched into the cache from `mirrors`
    (default: the source's) with `opener`, a function `(url, timeout) ->
    file-like`, by default urllib's. Raises DataError saying which files are
    needed and where when all else fails.
    """
    environ = os.environ if environ is None else environ
    title, sub = source.title, source.folder
    if data_dir is not None:
        folder = Path(data_dir).expanduser()
        if not folder.is_dir():
            raise DataError(f"data folder {folder} " + ("is not a folder" if folder.exists() else "does not exist"))
        for candidate in (folder, folder / sub):
            if _complete(candidate, source):
                return candidate
        raise DataError(f"data folder {folder} lacks {title} files.\n"
                        + needed_files_message([folder, folder / sub], source))
    if environ.get(ENV_VAR):
        root = Path(environ[ENV_VAR]).expanduser()
        if not root.is_dir():
            raise DataError(f"the environment variable {ENV_VAR} names the folder {root}, which does not exist")
        for candidate in (root / sub, root):
            if _complete(candidate, source):
                return candidate
        raise DataError(
            f"the environment variable {ENV_VAR} names the folder {root}, which lacks {title} files.\n"
            + needed_files_message([root / sub, root], source)
            + f"\n(unset {ENV_VAR} to use the user cache {cache_dir(environ, source)} instead)"
        )
    cache = cache_dir(environ, source)
    if _complete(cache, source):
        return cache
    if not download:
        raise DataError(f"{title} was not found.\n" + needed_files_message([cache], source))
    try:
        fetch_missing(cache, mirrors=mirrors, opener=opener, progress=progress, source=source)
    except DataError as e:
        message = f"{title} was not found and could not be downloaded: {e}\n" + needed_files_message([cache], source)
        raise DataError(message) from None
    return cache


# -- download -----------------------------------------------------------------
def _urlopen(url, timeout):
    return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - the URLs are the fixed mirrors above


#: Seconds to wait for a mirror to answer (or to send more bytes): short, so that a machine without a
#: network hears about it in seconds, not minutes.
TIMEOUT = 10


def fetch_missing(folder, mirrors=None, opener=None, progress=True, timeout=TIMEOUT, source=MNIST_SOURCE,
                  say=None):
    """Download the files of `source` missing from `folder`, trying each mirror in turn.

    `say` (default: a line on stderr) is told each file and mirror before its
    download starts. If the downloads fail, the folders they created are
    removed again when nothing else is in them: a failed attempt leaves no
    empty cache behind.
    """
    mirrors = source.mirrors if mirrors is None else mirrors
    folder = Path(folder)
    created = _missing_folders(folder)
    try:
        _fetch_each(folder, mirrors, opener or _urlopen, progress, timeout, source, say or _to_stderr)
    except BaseException:
        for made in created:  # deepest first; rmdir refuses a folder that holds anything
            with contextlib.suppress(OSError):
                made.rmdir()
        raise


def _to_stderr(line):
    print(line, file=sys.stderr, flush=True)


def _missing_folders(folder):
    """`folder` and those of its parents that do not exist yet, deepest first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    return missing


def _fetch_each(folder, mirrors, opener, progress, timeout, source, say):
    present = file_paths(folder, source) if folder.is_dir() else {}
    for role, (name, digest) in source.files.items():
        if role in present:
            continue
        failures = []
        for mirror in mirrors:
            say(f"downloading {source.title}'s {name} from {mirror} into {folder}")
            try:
                download(mirror + name, folder / name, digest, opener=opener, progress=progress, timeout=timeout)
                break
            except (OSError, ValueError, http.client.HTTPException, DataError) as e:  # URLError is an OSError
                if _is_local(e):  # every mirror would meet it again: said once, naming the file
                    raise DataError(f"{name} cannot be written into {folder} ({e.strerror}: {e.filename or name}), "
                                    "a problem of this machine, not of the mirrors") from None
                failures.append(f"{mirror}: {e}")
        else:
            raise DataError(f"{name} could not be fetched from any mirror ({'; '.join(failures) or 'none given'})")


#: Errors of this machine's files (rights, read-only or full disk, a file where a folder belongs).
LOCAL_ERRNOS = frozenset(getattr(errno, name) for name in ("EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENOTDIR")
                         if hasattr(errno, name))


def _is_local(error):
    """Whether `error` is a failure to write here rather than of a mirror (urllib wraps a mirror's in URLError)."""
    return (isinstance(error, OSError) and not isinstance(error, urllib.error.URLError)
            and error.errno in LOCAL_ERRNOS)


def download(url, dest, sha256, opener=None, progress=True, timeout=TIMEOUT):
    """Fetch `url` to `dest` atomically (temp file, then rename) if what it holds has the SHA-256 `sha256`.

    `sha256` is the digest of the decompressed bytes when `dest` ends in .gz.
    A partial or wrong download never appears under the final name; the file
    gets ordinary permissions (0666 minus the umask), like any file the user
    creates. Returns `dest`.
    """
    from tqdm import tqdm

    opener = opener or _urlopen
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    hasher = ContentHasher(gzipped=dest.suffix == ".gz")
    with atomic_write(dest) as out, opener(url, timeout) as response:
        total = _content_length(response)
        with tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress, leave=False) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                try:
                    hasher.update(chunk)
                except zlib.error as e:
                    raise DataError(f"{url} served a damaged gzip file: {e}") from None
                bar.update(len(chunk))
        try:
            actual = hasher.hexdigest()
        except IdxError as e:
            raise DataError(f"{url}: {e}") from None
        if actual != sha256:
            raise DataError(f"{url} served a file whose content has the SHA-256 {actual}, not the official {sha256}")
    return dest


def _content_length(response):
    headers = getattr(response, "headers", None)
    length = headers.get("Content-Length") if headers is not None else None
    return int(length) if length and length.isdigit() else None


# -- verification and loading -------------------------------------------------
def check_digest(path, raw, role, source=MNIST_SOURCE):
    """Refuse the decompressed bytes `raw` of `path` unless they are the official file of `role`."""
    name, expected = source.files[role]
    actual = hashlib.sha256(raw).hexdigest()
    if actual == expected:
        return
    for other, (file, digest) in ((o, f) for o in SOURCES.values() for f in o.files.values()):
        if digest == actual:  # an official file in the wrong place: deleting it would not help
            fix = "the files were swapped or renamed" if other is source else (
                f"{other.title}'s files belong in a folder of their own ({other.folder}/), or run with --dataset "
                f"{other.name}")
            raise DataError(f"{path} is not {source.title}'s {name} but {other.title}'s {file} (its SHA-256 is "
                            f"that official file's): {fix}")
    raise DataError(f"{path} is not the official {name} of {source.title}: the SHA-256 of its content is {actual}, "
                    f"expected {expected} (no official file has it: damaged); delete it and fetch it again.")


def verify(paths, source=MNIST_SOURCE):
    """Check each file's decompressed content against the official digest."""
    for role, path in paths.items():
        try:
            raw = read_bytes(path)
        except IdxError as e:
            raise DataError(str(e)) from None
        check_digest(path, raw, role, source)


def load(folder, check=True, source=MNIST_SOURCE):
    """The arrays of `source` from `folder`, each file's digest checked first (unless `check` is False)."""
    paths = file_paths(folder, source)
    missing = [source.files[role][0] for role in source.files if role not in paths]
    if missing:
        raise DataError(f"{folder} lacks {', '.join(missing)}")
    arrays = {}
    try:
        for role, path in paths.items():
            raw = read_bytes(path)
            if check:
                check_digest(path, raw, role, source)
            shape = (None, *IMAGE_SHAPE) if role.endswith("images") else (None,)
            arrays[role] = parse_idx(raw, path, shape)
    except IdxError as e:
        raise DataError(str(e)) from None
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if len(images) != len(labels):
            raise DataError(f"{paths[f'{split}_images']} holds {len(images)} images but "
                            f"{paths[f'{split}_labels']} holds {len(labels)} labels")
    return MNIST(
        train_images=to_unit_float(arrays["train_images"]),
        train_labels=arrays["train_labels"].astype(np.int64),
        test_images=to_unit_float(arrays["test_images"]),
        test_labels=arrays["test_labels"].astype(np.int64),
        folder=Path(folder),
        name=source.name,
    )


def to_unit_float(pixels):
    """uint8 pixels 0..255 as float32 in [0, 1]."""
    return pixels.astype(np.float32) * np.float32(1 / 255)


def load_dataset(name="mnist", data_dir=None, download=True, **kwargs):
    """Find (or download), verify and load the data set `name` (a key of SOURCES)."""
    source = SOURCES[name]
    return load(locate(data_dir, download=download, source=source, **kwargs), source=source)


def load_mnist(data_dir=None, download=True, **kwargs):
    """Find (or download), verify and load MNIST: `load(locate(...))`."""
    return load_dataset("mnist", data_dir, download=download, **kwargs)


def shuffled_batches(n, batch_size, rng):
    """Index arrays of a random permutation of range(n), cut into batches (the last may be short)."""
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]
