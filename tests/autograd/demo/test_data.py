"""Finding, checking, downloading and loading MNIST, without ever touching the network."""

import http.client
import io
import os
import stat
import urllib.error

import numpy as np
import pytest

from autograd.demo import data

NAMES = [name for name, _, _ in data.FILES.values()]


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


def test_download_fills_the_cache_and_verifies(mnist_dir, tmp_path, env):
    log = []
    folder = data.locate(environ=env, opener=serving(mnist_dir, log), mirrors=("https://a/", "https://b/"),
                         progress=False)
    assert folder == data.cache_dir(env)
    assert sorted(log) == sorted(f"https://a/{name}" for name in NAMES)
    data.verify(data.file_paths(folder))
    assert not [p for p in folder.iterdir() if p.name.startswith(".part-")]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_downloaded_files_are_ordinary_files(mnist_dir, tmp_path, umask):
    name, digest, _ = data.FILES["test_labels"]
    previous = os.umask(umask)
    try:
        dest = data.download((mnist_dir / name).as_uri(), tmp_path / "cache" / name, digest, progress=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask


class BrokenResponse(io.BytesIO):
    """A response that ends early the way http.client reports it (not an OSError)."""

    def read(self, size=-1):
        raise http.client.IncompleteRead(b"partial", 1000)


def test_a_broken_transfer_tries_the_next_mirror(mnist_dir, env):
    log = []
    good = serving(mnist_dir, log)

    def opener(url, timeout):
        return BrokenResponse() if url.startswith("https://broken/") else good(url, timeout)

    cache = data.cache_dir(env)
    fill(cache, NAMES[1:])
    data.locate(environ=env, opener=opener, mirrors=("https://broken/", "https://up/"), progress=False)
    assert log == [f"https://up/{NAMES[0]}"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)  # no partial file left behind


def test_download_tries_the_next_mirror(mnist_dir, tmp_path, env):
    log = []
    good = serving(mnist_dir, log)

    def flaky(url, timeout):
        if url.startswith("https://down/"):
            raise urllib.error.URLError("connection refused")
        return good(url, timeout)

    cache = data.cache_dir(env)
    fill(cache, NAMES[1:])  # only the first file is missing
    data.locate(environ=env, opener=flaky, mirrors=("https://down/", "https://up/"), progress=False)
    assert log == [f"https://up/{NAMES[0]}"]


def test_download_with_a_wrong_digest_leaves_nothing(tmp_path):
    def liar(url, timeout):
        return io.BytesIO(b"not mnist at all")

    with pytest.raises(data.DataError, match="SHA-256"):
        data.download("https://x/f.gz", tmp_path / "f.gz", data.FILES["train_labels"][1], opener=liar, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_download_from_a_file_url(mnist_dir, tmp_path):
    name, digest, _ = data.FILES["test_labels"]
    dest = data.download((mnist_dir / name).as_uri(), tmp_path / name, digest, progress=False)
    assert dest == tmp_path / name and (tmp_path / name).read_bytes() == (mnist_dir / name).read_bytes()


def test_a_wrong_file_is_refused(mnist_dir, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_bytes((mnist_dir / name).read_bytes())
    labels = folder / NAMES[1]
    damaged = bytearray(labels.read_bytes())
    damaged[-1] ^= 0xFF
    labels.write_bytes(bytes(damaged))
    with pytest.raises(data.DataError, match=f"{NAMES[1]}.*SHA-256"):
        data.load(folder)


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
