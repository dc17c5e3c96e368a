"""nodegrad's speed next to hand-written numpy (and PyTorch, JAX when installed), in one run.

    python -m benchmarks.bench                  # every row, in both environments
    python -m benchmarks.bench --only mlp chain # some rows
    python -m benchmarks.bench --env unset      # workers without the OpenBLAS variables only
    python -m benchmarks.bench --json out.json  # also write the rows as JSON
    python -m benchmarks.bench --samples 6000   # shorter epochs (not the chain row)
    python -m benchmarks.bench --default-malloc # glibc's allocator as it comes

Every implementation trains in a worker process of its own (see
benchmarks.timing), which also gives its peak resident set. Each row runs
with the workers' environment as it is (`env: default`) and with the
variables OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (`env: unset`);
this process's own environment is never changed. PyTorch runs NCHW and,
for the CNN, also with channels_last; "nodegrad/torch" compares with the
faster of the two.

Where numba is installed, nodegrad also runs with its compiled kernels
ruled out (NODEGRAD_KERNELS=numpy in that worker; see
autograd.compiled): "numpy path", and the ratio of the two.

`--json FILE` writes {"rows": [...]}: per row and environment an object with
"row" (mlp, chain, cnn, vit, lstm), "env" (default, unset), "name", the
seconds of "nodegrad", "nodegrad_numpy_path", "numpy", "torch",
"torch_channels_last" and "jax" (per epoch; per step for the chain; null
where absent), "nodegrad_rss_mb" and
"torch_rss_mb" (peak RSS of each side's worker, MB; null where absent),
"rss_mb" (every worker's) and "openblas" (the variables the workers saw).
The `hvp` row (one Hessian-vector product against one training step of
nodegrad's MLP, see benchmarks.hvp) runs in this process, in the default
environment only; its JSON object has "step", "hvp", "hvp_with_forward" and
"hvp_ratio" and null for the implementations' seconds.

Timings on a shared machine are noisy: read the ratios, which compare
implementations measured in the same run, interleaved.
"""

import argparse
import importlib
import json
import os
import sys
import time

from . import settings, timing

ROWS = ("mlp", "chain", "cnn", "vit", "lstm", "hvp")
#: Rows that time nodegrad against itself, in this process, once: their ratio
#: does not depend on the OpenBLAS variables, so they have no `unset` run.
IN_PROCESS = ("hvp",)
#: Keys every JSON row has (null where an implementation is absent).
KEYS = ("row", "env", "name", *timing.IMPLEMENTATIONS, "nodegrad_rss_mb", "torch_rss_mb")


def fastest_torch(row):
    """The faster of PyTorch's NCHW and channels_last seconds (None without PyTorch)."""
    times = [row.get(k) for k in ("torch", "torch_channels_last") if row.get(k) is not None]
    return min(times) if times else None


def _format_row(row):
    if "hvp_ratio" in row:
        return (f"{row['name']:<36} {row.get('env', 'default'):<7}  step {row['step'] * 1e3:7.2f} ms  "
                f"hvp {row['hvp'] * 1e3:7.2f} ms  forward + hvp {row['hvp_with_forward'] * 1e3:7.2f} ms  "
                f"hvp/step {row['hvp_ratio']:4.2f}")
    ours, theirs = row["nodegrad"], row["numpy"]
    unit, scale = ("ms", 1e3) if ours < 0.1 else ("s", 1.0)
    cells = [f"{row['name']:<36} {row['env']:<7}", f"nodegrad {ours * scale:9.3f} {unit}"]
    if row.get("nodegrad_numpy_path") is not None:
        cells.append(f"(nodegrad numpy path {row['nodegrad_numpy_path'] * scale:9.3f} {unit}: "
                     f"{ours / row['nodegrad_numpy_path']:4.2f})")
    cells += [f"numpy {theirs * scale:9.3f} {unit}", f"ratio {ours / theirs:5.2f}"]
    for key, label in (("torch", "torch"), ("torch_channels_last", "torch channels_last"), ("jax", "jax")):
        if row.get(key) is not None:
            cells.append(f"{label} {row[key] * scale:9.3f} {unit}")
    if fastest_torch(row) is not None:
        cells.append(f"nodegrad/torch {ours / fastest_torch(row):4.2f}")
    if row.get("jax") is not None:
        cells.append(f"nodegrad/jax {ours / row['jax']:4.2f}")
    if "per_node_us" in row:
        cells.append(f"overhead {row['per_node_us']:.2f} us/node")
    if "torch_per_node_us" in row:
        cells.append(f"(torch autograd: {row['torch_per_node_us']:.2f} us/node)")
    memory = [f"{side} {row[f'{side}_rss_mb']:.0f} MB" for side in ("nodegrad", "torch")
              if row.get(f"{side}_rss_mb") is not None]
    if memory:
        cells.append("peak RSS " + ", ".join(memory))
    return "  ".join(cells)


def measure(name, env, samples=None, run=None):
    """One row of benchmark `name` with workers in environment `env`, with every key of KEYS.

    `samples` shortens the epochs (ignored by the chain); `run` replaces the
    module's run function (tests)."""
    if run is None:
        run = importlib.import_module(f"benchmarks.{name}").run
    kwargs = {} if name in IN_PROCESS else {"env": env}
    if samples is not None and name not in ("chain", *IN_PROCESS):
        kwargs["samples"] = samples
    result = run(**kwargs)
    result = result[0] if isinstance(result, list) else result
    return {**dict.fromkeys(KEYS), **result, "row": name, "env": env}


def write_json(path, rows):
    """Write {"rows": rows} to `path`."""
    with open(path, "w") as file:
        json.dump({"rows": rows}, file, indent=1)
        file.write("\n")


def main(argv=None, run=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--env", choices=(*timing.ENVS, "both"), default="both",
                        help="the workers' environment: as it is, without the OpenBLAS variables, or both rows")
    parser.add_argument("--json", metavar="FILE", help="also write the rows to FILE as JSON")
    parser.add_argument("--samples", type=int, help="samples per epoch (default: each benchmark's own)")
    parser.add_argument("--default-malloc", action="store_true",
                        help="leave glibc's allocator settings alone (see autograd.demo.allocator)")
    args = parser.parse_args(argv)
    envs = timing.ENVS if args.env == "both" else (args.env,)
    print(f"python {sys.version.split()[0]}; rows: {', '.join(args.only)}; env: {', '.join(envs)}", flush=True)
    print("OpenBLAS variables here: "
          + ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in timing.OPENBLAS_VARIABLES), flush=True)
    print(settings.configure(args.default_malloc), flush=True)
    rows = []
    for name in args.only:
        start = time.perf_counter()
        for env in ("default",) if name in IN_PROCESS else envs:
            rows.append(measure(name, env, args.samples, run))
            print(_format_row(rows[-1]), flush=True)
            if args.json:
                write_json(args.json, rows)  # rows so far: a long run that breaks keeps them
        print(f"    ({name}: {time.perf_counter() - start:.0f} s of benchmarking)", flush=True)
    return rows


if __name__ == "__main__":
    main()
