"""benchmarks.bench and benchmarks.timing: the JSON rows, the workers' environments, peak RSS per worker."""

import json
import os

import pytest

from benchmarks import bench, timing

FAKE = "tests.benchmarks.fake_bench"


def fake_run(env, samples=100):
    """A benchmark module's run function, without timing anything."""
    return [{"name": "fake", "nodegrad": 2.0, "numpy": 1.0, "torch": None, "nodegrad_rss_mb": 50.0,
             "samples_seen": samples, "env_seen": env}]


def test_json_has_a_row_per_benchmark_and_environment_with_every_key(tmp_path):
    path = tmp_path / "rows.json"
    bench.main(["--only", "mlp", "cnn", "--json", str(path), "--samples", "7"], run=fake_run)
    rows = json.loads(path.read_text())["rows"]
    assert [(r["row"], r["env"]) for r in rows] == [("mlp", "default"), ("mlp", "unset"),
                                                    ("cnn", "default"), ("cnn", "unset")]
    for r in rows:
        assert set(bench.KEYS) <= set(r)
        assert r["env_seen"] == r["env"] and r["samples_seen"] == 7
        assert (r["nodegrad"], r["numpy"], r["nodegrad_rss_mb"]) == (2.0, 1.0, 50.0)
        assert r["torch"] is r["torch_channels_last"] is r["jax"] is r["torch_rss_mb"] is None


def test_env_flag_picks_one_environment_and_the_chain_ignores_samples():
    rows = bench.main(["--only", "chain", "--env", "unset", "--samples", "7"], run=fake_run)
    assert [(r["row"], r["env"], r["samples_seen"]) for r in rows] == [("chain", "unset", 100)]


def test_ratio_to_torch_is_against_the_faster_memory_format():
    row = {**dict.fromkeys(bench.KEYS), "name": "fake", "env": "unset", "nodegrad": 2.0, "numpy": 1.0,
           "torch": 4.0, "torch_channels_last": 0.5}
    assert bench.fastest_torch(row) == 0.5
    assert "nodegrad/torch 4.00" in bench._format_row(row)
    assert bench.fastest_torch({**row, "torch_channels_last": None}) == 4.0
    assert bench.fastest_torch(dict.fromkeys(bench.KEYS)) is None


def test_unset_environment_drops_only_the_openblas_variables():
    base = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "262144", "OMP_NUM_THREADS": "2"}
    assert timing.worker_environment("default", base) == base
    assert timing.worker_environment("unset", base) == {"OMP_NUM_THREADS": "2"}
    assert base["OPENBLAS_CORETYPE"] == "Haswell"  # the caller's dict is left as it was
    with pytest.raises(ValueError, match="env must be one of default, unset, not 'none'"):
        timing.worker_environment("none", base)


@pytest.mark.parametrize("env", ["default", "unset"])
def test_workers_run_with_the_environment_asked_for_and_report_their_peak_rss(env, monkeypatch):
    monkeypatch.setattr(timing, "SETTLE", 0.0)
    base = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "262144"}
    result = timing.best_epochs(FAKE, 200, 2, seed=0, env=env, names=["nodegrad", "numpy"], base=base)
    expected = dict.fromkeys(timing.OPENBLAS_VARIABLES) if env == "unset" else {
        "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "262144"}
    assert result["openblas"] == expected
    assert result["nodegrad"] > 0 and result["numpy"] > 0
    assert result["torch"] is result["torch_channels_last"] is result["jax"] is None
    assert sorted(result["rss_mb"]) == ["nodegrad", "numpy"]
    assert 1 < result["nodegrad_rss_mb"] == result["rss_mb"]["nodegrad"] < 10_000
    assert result["torch_rss_mb"] is None


def test_the_numpy_path_worker_trains_nodegrad_with_the_compiled_kernels_ruled_out():
    assert timing.worker_environment("default", {}, "nodegrad_numpy_path") == {"NODEGRAD_KERNELS": "numpy"}
    assert timing.worker_environment("default", {}, "nodegrad") == {}
    for other in ("numpy", "torch", "torch_channels_last", "jax"):  # they build nodegrad models for the weights only
        assert timing.worker_environment("default", {}, other) == {"NODEGRAD_KERNELS": "numpy"}
    # An exported NODEGRAD_KERNELS never turns the nodegrad column into the numpy path.
    assert timing.worker_environment("default", {"NODEGRAD_KERNELS": "numpy"}, "nodegrad") == {}
    assert timing.implementations(object())[:3] == ["nodegrad", "nodegrad_numpy_path", "numpy"]  # numba is here
    row = {**dict.fromkeys(bench.KEYS), "name": "cnn", "env": "default", "nodegrad": 0.8, "nodegrad_numpy_path": 1.0,
           "numpy": 0.9}
    assert "(nodegrad numpy path     1.000 s: 0.80)" in bench._format_row(row)


def test_every_sample_is_trained_once_per_epoch_in_whole_batches():
    for samples in (200, 6000, 60000):
        bounds = sorted(set(timing.slice_bounds(samples)))
        assert bounds[0] == 0 and bounds[-1] == samples
        assert all(b % timing.BATCH == 0 for b in bounds[:-1])
        assert sum(j - i for lo, hi in zip(bounds[:-1], bounds[1:]) for i, j in timing.batches(lo, hi)) == samples


def test_a_failing_worker_names_the_implementation():
    with pytest.raises(RuntimeError, match="the torch_channels_last worker failed"):
        timing.Worker(FAKE, "torch_channels_last", 64, 0)


def test_make_stepper_refuses_an_unknown_implementation():
    with pytest.raises(ValueError, match="implementation must be one of .*, not 'tf'"):
        timing.make_stepper(None, "tf", None, None, 0)


def test_the_hvp_row_runs_once_in_this_process_without_env_or_samples(capsys):
    seen = []

    def hvp_run(**kwargs):
        seen.append(kwargs)
        return {"name": "HVP vs step", "step": 0.002, "hvp": 0.005, "hvp_with_forward": 0.006, "hvp_ratio": 2.5}

    rows = bench.main(["--only", "hvp", "--env", "both", "--samples", "7"], run=hvp_run)
    assert seen == [{}]
    assert [(r["row"], r["env"], r["hvp_ratio"], r["nodegrad"]) for r in rows] == [("hvp", "default", 2.5, None)]
    assert "hvp/step 2.50" in capsys.readouterr().out
