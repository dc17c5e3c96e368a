"""Finding, checking, downloading and loading MNIST, without ever touching the network."""

import dataclasses
import errno
import gzip
import hashlib
import http.client
import io
import os
import stat
import urllib.error

import numpy as np
import pytest

from autograd.demo import data

NAMES = [name for name, _ in data.FILES.values()]


def fill(folder, names=NAMES):
    """A folder with placeholder files of the right names (enough for the lookup)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"placeholder")
    return folder


@pytest.fixture
def env(tmp_path):
    """An environment whose cache is a temporary folder (never the real ~/.cache)."""
    return {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}


def test_explicit_folder_comes_first(tmp_path, env):
    env[data.ENV_VAR] = str(fill(tmp_path / "env"))
    fill(data.cache_dir(env))
    explicit = fill(tmp_path / "explicit")
    assert data.locate(explicit, environ=env, download=False) == explicit


def test_explicit_folder_may_hold_a_mnist_subfolder(tmp_path, env):
    inner = fill(tmp_path / "root" / "mnist")
    assert data.locate(tmp_path / "root", environ=env, download=False) == inner


def test_missing_explicit_folder_is_an_error(tmp_path, env):
    with pytest.raises(data.DataError, match="does not exist"):
        data.locate(tmp_path / "nowhere", environ=env, download=False)


def test_explicit_folder_without_the_files_lists_them(tmp_path, env):
    fill(tmp_path / "partial", NAMES[:2])
    with pytest.raises(data.DataError) as info:
        data.locate(tmp_path / "partial", environ=env)
    assert all(name in str(info.value) for name in NAMES)


@pytest.mark.parametrize("layout", ["mnist_subfolder", "flat"])
def test_environment_variable_comes_before_the_cache(tmp_path, env, layout):
    root = tmp_path / "env"
    folder = fill(root / "mnist" if layout == "mnist_subfolder" else root)
    fill(data.cache_dir(env))
    env[data.ENV_VAR] = str(root)
    assert data.locate(environ=env, download=False) == folder


def test_environment_variable_read_from_the_process_environment(tmp_path, monkeypatch):
    folder = fill(tmp_path / "env" / "mnist")
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data.locate(download=False) == folder


def test_cache_follows_xdg_then_home(tmp_path):
    assert data.cache_dir({"XDG_CACHE_HOME": str(tmp_path / "x")}) == tmp_path / "x" / "nodegrad" / "mnist"
    assert data.cache_dir({"HOME": str(tmp_path / "h")}) == tmp_path / "h" / ".cache" / "nodegrad" / "mnist"


@pytest.mark.parametrize("setting", [None, ""])
def test_cache_is_used_when_nothing_else_is_given(tmp_path, env, setting):
    if setting is not None:
        env[data.ENV_VAR] = setting  # set but empty counts as not set
    cache = fill(data.cache_dir(env))
    assert data.locate(environ=env, download=False) == cache


def test_a_missing_environment_folder_is_an_error_not_a_download(tmp_path, env, no_download):
    env[data.ENV_VAR] = str(tmp_path / "moved")
    fill(data.cache_dir(env))  # even a full cache is not used in its place
    with pytest.raises(data.DataError) as info:
        data.locate(environ=env)
    assert str(info.value) == f"the environment variable {data.ENV_VAR} names the folder {tmp_path / 'moved'}, " \
        "which does not exist"


def test_an_environment_folder_without_the_files_lists_them(tmp_path, env, no_download):
    root = fill(tmp_path / "env" / "mnist", NAMES[:3])
    env[data.ENV_VAR] = str(root.parent)
    with pytest.raises(data.DataError) as info:
        data.locate(environ=env)
    message = str(info.value)
    assert f"{data.ENV_VAR} names the folder {root.parent}, which lacks MNIST files" in message
    assert all(name in message for name in NAMES)


def test_no_data_and_no_network_says_what_to_do(tmp_path, env):
    def offline(url, timeout):
        raise urllib.error.URLError("network is unreachable")

    with pytest.raises(data.DataError) as info:
        data.locate(environ=env, opener=offline, progress=False)
    message = str(info.value)
    assert "could not be downloaded" in message and "unreachable" in message
    assert all(name in message for name in NAMES)
    assert str(data.cache_dir(env)) in message


def serving(folder, log):
    """A fake opener serving the real files' bytes by name, recording the URLs asked for."""

    def opener(url, timeout):
        log.append(url)
        return io.BytesIO((folder / url.rsplit("/", 1)[1]).read_bytes())

    return opener


def test_download_fills_the_cache_and_verifies(tmp_path, env):
    source, _ = small_source(tmp_path / "served")
    log = []
    folder = data.locate(environ=env, opener=serving(tmp_path / "served", log), mirrors=("https://a/", "https://b/"),
                         progress=False, source=source)
    assert folder == data.cache_dir(env, source)
    assert sorted(log) == sorted(f"https://a/{name}" for name, _ in source.files.values())
    data.verify(data.file_paths(folder, source), source)
    assert not [p for p in folder.iterdir() if p.name.startswith(".part-")]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_downloaded_files_are_ordinary_files(tmp_path, umask):
    source, _ = small_source(tmp_path / "served")
    name, digest = source.files["test_labels"]
    previous = os.umask(umask)
    try:
        dest = data.download((tmp_path / "served" / name).as_uri(), tmp_path / "cache" / name, digest,
                             progress=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask


class BrokenResponse(io.BytesIO):
    """A response that ends early the way http.client reports it (not an OSError)."""

    def read(self, size=-1):
        raise http.client.IncompleteRead(b"partial", 1000)


def test_a_broken_transfer_tries_the_next_mirror(tmp_path, env):
    source, _ = small_source(tmp_path / "served")
    names = [name for name, _ in source.files.values()]
    log = []
    good = serving(tmp_path / "served", log)

    def opener(url, timeout):
        return BrokenResponse() if url.startswith("https://broken/") else good(url, timeout)

    cache = data.cache_dir(env, source)
    fill(cache, names[1:])
    data.locate(environ=env, opener=opener, mirrors=("https://broken/", "https://up/"), progress=False, source=source)
    assert log == [f"https://up/{names[0]}"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(names)  # no partial file left behind


def test_download_tries_the_next_mirror(tmp_path, env):
    source, _ = small_source(tmp_path / "served")
    names = [name for name, _ in source.files.values()]
    log = []
    good = serving(tmp_path / "served", log)

    def flaky(url, timeout):
        if url.startswith("https://down/"):
            raise urllib.error.URLError("connection refused")
        return good(url, timeout)

    cache = data.cache_dir(env, source)
    fill(cache, names[1:])  # only the first file is missing
    data.locate(environ=env, opener=flaky, mirrors=("https://down/", "https://up/"), progress=False, source=source)
    assert log == [f"https://up/{names[0]}"]


@pytest.mark.parametrize("served, message", [
    (gzip.compress(b"not mnist at all"), "served a file whose content has the SHA-256"),
    (b"not even gzip", "served a damaged gzip file"),
    (gzip.compress(b"cut off")[:-12], "the gzip stream ends early"),
])
def test_download_with_a_wrong_digest_leaves_nothing(tmp_path, served, message):
    def liar(url, timeout):
        return io.BytesIO(served)

    with pytest.raises(data.DataError, match=message):
        data.download("https://x/f.gz", tmp_path / "f.gz", data.FILES["train_labels"][1], opener=liar, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_download_from_a_file_url(tmp_path):
    source, _ = small_source(tmp_path / "served")
    name, digest = source.files["test_labels"]
    served = tmp_path / "served" / name
    dest = data.download(served.as_uri(), tmp_path / name, digest, progress=False)
    assert dest == tmp_path / name and (tmp_path / name).read_bytes() == served.read_bytes()


def copy_of(mnist_dir, folder):
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_bytes((mnist_dir / name).read_bytes())
    return folder


def test_a_wrong_file_is_refused(mnist_dir, tmp_path):
    folder = copy_of(mnist_dir, tmp_path / "mnist")
    labels = folder / NAMES[1]
    content = bytearray(gzip.decompress(labels.read_bytes()))
    content[-1] = (content[-1] + 1) % 10  # one label changed: still a valid IDX file, not the official one
    labels.write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(data.DataError, match=f"{NAMES[1]} of MNIST: the SHA-256 of its content is"):
        data.load(folder)
    damaged = bytearray(gzip.compress(bytes(content)))
    damaged[-1] ^= 0xFF  # the gzip trailer's length no longer fits
    labels.write_bytes(bytes(damaged))
    with pytest.raises(data.DataError, match=f"{NAMES[1]}: corrupt gzip data"):
        data.load(folder)


@pytest.mark.parametrize("level, mtime", [(9, 0), (1, 123456789)])
def test_a_recompressed_or_decompressed_copy_passes(mnist_dir, tmp_path, level, mtime):
    # A distribution may gzip the same IDX bytes again (other level, time stamp, name): the content is checked.
    folder = copy_of(mnist_dir, tmp_path / "mnist")
    labels = folder / NAMES[1]
    raw = gzip.decompress(labels.read_bytes())
    labels.write_bytes(gzip.compress(raw, compresslevel=level, mtime=mtime))
    assert labels.read_bytes() != (mnist_dir / NAMES[1]).read_bytes()
    (folder / NAMES[3]).unlink()
    (folder / NAMES[3][: -len(".gz")]).write_bytes(gzip.decompress((mnist_dir / NAMES[3]).read_bytes()))
    loaded = data.load(folder)
    assert loaded.train_labels[0] == 5 and len(loaded.test_labels) == 10000


def test_real_mnist_loads_as_documented(mnist):
    assert mnist.train_images.shape == (60000, 28, 28) and mnist.test_images.shape == (10000, 28, 28)
    assert mnist.train_images.dtype == np.float32 and mnist.train_labels.dtype == np.int64
    assert mnist.train_images.min() == 0.0 and mnist.train_images.max() == 1.0
    assert mnist.train_labels[0] == 5 and mnist.test_labels[0] == 7
    assert np.bincount(mnist.test_labels).tolist()[:3] == [980, 1135, 1032]


def test_limited_keeps_the_first_samples(mnist):
    small = mnist.limited(100)
    assert len(small.train_images) == 100 and len(small.test_images) == 10000
    np.testing.assert_array_equal(small.train_labels, mnist.train_labels[:100])
    assert len(mnist.limited(test=30).test_labels) == 30 and len(mnist.train_images) == 60000


def test_shuffled_batches_cover_every_sample_once():
    batches = data.shuffled_batches(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))


# -- a second data set, and data sets of small files made here ---------------------------------------------------
def idx_bytes(array):
    """The IDX encoding of a uint8 array, written from the format's definition: magic, big-endian sizes, values."""
    magic = bytes([0, 0, 0x08, array.ndim])
    return magic + b"".join(int(d).to_bytes(4, "big") for d in array.shape) + array.astype(np.uint8).tobytes()


def small_source(folder, gzipped=True, count=(6, 4)):
    """Four small IDX files in `folder` and a Source whose digests are theirs."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    files, arrays = {}, {}
    for role, n in (("train_images", count[0]), ("train_labels", count[0]), ("test_images", count[1]),
                    ("test_labels", count[1])):
        arrays[role] = rng.integers(0, 256, (n, 28, 28)) if role.endswith("images") else rng.integers(0, 10, n)
        raw = idx_bytes(arrays[role])
        name = f"{role.replace('_', '-')}.gz"
        (folder / (name if gzipped else name[:-3])).write_bytes(gzip.compress(raw) if gzipped else raw)
        files[role] = (name, hashlib.sha256(raw).hexdigest())
    return data.Source("small", "Small", "small", files, ("https://small/",)), arrays


@pytest.mark.parametrize("gzipped", [True, False])
def test_small_idx_files_load_with_their_digests_checked(tmp_path, gzipped):
    source, arrays = small_source(tmp_path / "small", gzipped)
    loaded = data.load(tmp_path / "small", source=source)
    np.testing.assert_allclose(loaded.train_images, arrays["train_images"] / 255, rtol=1e-6)
    np.testing.assert_array_equal(loaded.test_labels, arrays["test_labels"])
    other = dataclasses.replace(source, files={**source.files, "test_labels": (source.files["test_labels"][0],
                                                                                "0" * 64)})
    with pytest.raises(data.DataError, match="is not the official test-labels.gz of Small"):
        data.load(tmp_path / "small", source=other)


def test_small_files_with_counts_that_disagree_are_refused(tmp_path):
    source, _ = small_source(tmp_path / "small")
    labels = tmp_path / "small" / "train-labels.gz"
    raw = idx_bytes(np.zeros(5, dtype=np.uint8))
    labels.write_bytes(gzip.compress(raw))
    source.files["train_labels"] = ("train-labels.gz", hashlib.sha256(raw).hexdigest())
    with pytest.raises(data.DataError, match="holds 6 images but .*train-labels.gz holds 5 labels"):
        data.load(tmp_path / "small", source=source)


def test_a_data_set_is_found_in_its_own_folder_of_nodegrad_data_and_of_the_cache(tmp_path, env):
    root = tmp_path / "data"
    fill(root / "mnist")
    fashion = fill(root / "fashion-mnist")
    env[data.ENV_VAR] = str(root)
    assert data.locate(environ=env, download=False, source=data.FASHION_SOURCE) == fashion
    assert data.locate(environ=env, download=False) == root / "mnist"
    del env[data.ENV_VAR]
    assert data.cache_dir(env, data.FASHION_SOURCE) == tmp_path / "cache" / "nodegrad" / "fashion-mnist"
    with pytest.raises(data.DataError, match="Fashion-MNIST was not found"):
        data.locate(environ=env, download=False, source=data.FASHION_SOURCE)


def test_a_missing_data_set_is_downloaded_into_its_cache_folder(tmp_path, env):
    source, _ = small_source(tmp_path / "served")
    log = []
    folder = data.locate(environ=env, opener=serving(tmp_path / "served", log), progress=False, source=source)
    assert folder == data.cache_dir(env, source) and len(log) == 4
    assert all(url.startswith("https://small/") for url in log)
    assert len(data.load(folder, source=source).train_labels) == 6


def test_real_fashion_mnist_loads_and_mnist_is_not_taken_for_it(fashion_dir, mnist_dir):
    fashion = data.load(fashion_dir, source=data.FASHION_SOURCE)
    assert fashion.name == "fashion-mnist" and fashion.title == "Fashion-MNIST"
    assert fashion.train_images.shape == (60000, 28, 28) and fashion.test_images.shape == (10000, 28, 28)
    assert np.bincount(fashion.train_labels).tolist() == [6000] * 10
    assert np.bincount(fashion.test_labels).tolist() == [1000] * 10
    with pytest.raises(data.DataError) as refused:
        data.verify(data.file_paths(mnist_dir), source=data.FASHION_SOURCE)
    message = str(refused.value)
    assert ("is not Fashion-MNIST's train-images-idx3-ubyte.gz but MNIST's train-images-idx3-ubyte.gz" in message
            and "a folder of their own (mnist/), or run with --dataset mnist" in message and "delete" not in message)


def test_each_download_says_what_it_fetches_from_where(tmp_path, env, capsys):
    source, _ = small_source(tmp_path / "served")
    data.locate(environ=env, opener=serving(tmp_path / "served", []), progress=False, source=source)
    lines = capsys.readouterr().err.splitlines()
    cache = data.cache_dir(env, source)
    names = [name for name, _ in source.files.values()]
    assert lines == [f"downloading Small's {name} from https://small/ into {cache}" for name in names]


def test_downloads_wait_briefly_for_a_mirror_that_does_not_answer(tmp_path, env):
    waited = []

    def black_hole(url, timeout):
        waited.append(timeout)
        raise TimeoutError("timed out")

    with pytest.raises(data.DataError, match="could not be downloaded"):
        data.locate(environ=env, opener=black_hole, mirrors=("https://a/", "https://b/"), progress=False)
    assert waited == [data.TIMEOUT, data.TIMEOUT] and data.TIMEOUT <= 10  # one try per mirror, then the advice


def test_a_failed_download_leaves_no_empty_cache_folder(tmp_path, env):
    def offline(url, timeout):
        raise urllib.error.URLError("network is unreachable")

    with pytest.raises(data.DataError) as info:
        data.locate(environ=env, opener=offline, progress=False)
    assert "--data (or the environment variable NODEGRAD_DATA)" in str(info.value)  # what to do offline
    assert not (tmp_path / "cache").exists()  # neither the data set's folder nor the nodegrad folder above it


def test_a_failed_download_keeps_a_cache_folder_that_was_there_and_what_it_holds(tmp_path, env):
    source, _ = small_source(tmp_path / "served")
    first = source.files["train_images"][0]
    cache = data.cache_dir(env, source)
    cache.mkdir(parents=True)
    (cache / "notes.txt").write_text("mine")

    def first_file_only(url, timeout):
        if not url.endswith(first):
            raise urllib.error.URLError("network is unreachable")
        return io.BytesIO((tmp_path / "served" / first).read_bytes())

    with pytest.raises(data.DataError):
        data.locate(environ=env, opener=first_file_only, progress=False, source=source)
    assert sorted(p.name for p in cache.iterdir()) == sorted([first, "notes.txt"])  # a verified file stays


def test_an_official_file_of_the_other_data_set_or_role_is_named_not_called_damaged(tmp_path, monkeypatch):
    first, _ = small_source(tmp_path / "first")
    second, _ = small_source(tmp_path / "second", count=(5, 3))
    second = dataclasses.replace(second, name="second", title="Second", folder="second")
    monkeypatch.setattr(data, "SOURCES", {"small": first, "second": second})
    names = {role: name for role, (name, _) in first.files.items()}
    # The second set's training labels where the first set's are expected: named, with the way out.
    (tmp_path / "first" / names["train_labels"]).write_bytes((tmp_path / "second" / names["train_labels"]).read_bytes())
    with pytest.raises(data.DataError) as refused:
        data.load(tmp_path / "first", source=first)
    message = str(refused.value)
    assert (f"is not Small's {names['train_labels']} but Second's {names['train_labels']}" in message
            and "a folder of their own (second/), or run with --dataset second" in message
            and "delete" not in message)
    # The first set's own test labels under the name of its training labels: swapped, not damaged.
    (tmp_path / "first" / names["train_labels"]).write_bytes((tmp_path / "first" / names["test_labels"]).read_bytes())
    with pytest.raises(data.DataError, match=f"is not Small's {names['train_labels']} but Small's "
                       f"{names['test_labels']} .*: the files were swapped or renamed"):
        data.load(tmp_path / "first", source=first)
    # Content no official file has: damaged, and deleting it is the advice.
    (tmp_path / "first" / names["train_labels"]).write_bytes(gzip.compress(b"not idx at all, but a whole gzip"))
    with pytest.raises(data.DataError, match="no official file has it: damaged\\); delete it and fetch it again"):
        data.verify(data.file_paths(tmp_path / "first", first), source=first)


def test_a_local_failure_is_reported_once_naming_the_folder_not_per_mirror(tmp_path, env, monkeypatch):
    source, _ = small_source(tmp_path / "served")
    mirrors = ("https://a/", "https://b/", "https://c/")
    first = source.files["train_images"][0]
    # The cache's parent is a file: the folder cannot be made, whichever mirror serves.
    (tmp_path / "not-a-folder").write_text("a file where the cache should be")
    env = {**env, "XDG_CACHE_HOME": str(tmp_path / "not-a-folder")}
    log, said = [], []
    with pytest.raises(data.DataError) as refused:
        data.fetch_missing(data.cache_dir(env, source), mirrors=mirrors, opener=serving(tmp_path / "served", log),
                           progress=False, source=source, say=said.append)
    message = str(refused.value)
    assert f"{first} cannot be written into {data.cache_dir(env, source)} (" in message
    assert "a problem of this machine, not of the mirrors" in message
    assert not any(mirror in message for mirror in mirrors) and len(said) == 1 and log == []
    # A full disk while writing: the first mirror's bytes arrived, and no other mirror is asked.
    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "cache" / first))

    monkeypatch.setattr(data, "atomic_write", full_disk)
    log, said = [], []
    with pytest.raises(data.DataError, match=f"{first} cannot be written into .*{os.strerror(errno.ENOSPC)}") as full:
        data.locate(environ={"XDG_CACHE_HOME": str(tmp_path / "cache")}, mirrors=mirrors,
                    opener=serving(tmp_path / "served", log), progress=False, source=source)
    assert str(full.value).count("cannot be written") == 1 and len(log) <= 1
    assert not any(mirror in str(full.value) for mirror in mirrors)
    # A mirror's own failure still moves on to the next mirror (URLError wraps it, even a permission error).
    def refused_by_the_first(url, timeout):
        if url.startswith(mirrors[0]):
            raise urllib.error.URLError(PermissionError(errno.EACCES, "forbidden"))
        return serving(tmp_path / "served", [])(url, timeout)

    monkeypatch.undo()
    assert data.locate(environ={"XDG_CACHE_HOME": str(tmp_path / "cache2")}, mirrors=mirrors,
                       opener=refused_by_the_first, progress=False, source=source).is_dir()
