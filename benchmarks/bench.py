"""nodegrad's speed next to hand-written numpy (and PyTorch when installed), in one run.

    python -m benchmarks.bench                  # every row
    python -m benchmarks.bench --only mlp chain # some rows
    python -m benchmarks.bench --default-malloc # glibc's allocator as it comes

Timings on a shared machine are noisy: read the ratios, which compare
implementations measured in the same run, interleaved.
"""

import argparse
import importlib
import sys
import time

from . import settings

ROWS = ("mlp", "chain", "cnn", "vit", "lstm", "hvp")


def _format_row(row):
    if "hvp_ratio" in row:
        return (f"{row['name']:<36}  step {row['step'] * 1e3:7.2f} ms  hvp {row['hvp'] * 1e3:7.2f} ms  "
                f"forward + hvp {row['hvp_with_forward'] * 1e3:7.2f} ms  hvp/step {row['hvp_ratio']:4.2f}")
    ours, theirs = row["nodegrad"], row["numpy"]
    unit, scale = ("ms", 1e3) if ours < 0.1 else ("s", 1.0)
    cells = [
        f"{row['name']:<36}",
        f"nodegrad {ours * scale:9.3f} {unit}",
        f"numpy {theirs * scale:9.3f} {unit}",
        f"ratio {ours / theirs:5.2f}",
    ]
    if row.get("torch") is not None:
        cells.append(f"torch {row['torch'] * scale:9.3f} {unit} (nodegrad/torch {ours / row['torch']:4.2f})")
    if "per_node_us" in row:
        cells.append(f"overhead {row['per_node_us']:.2f} us/node")
    if "torch_per_node_us" in row:
        cells.append(f"(torch autograd: {row['torch_per_node_us']:.2f} us/node)")
    return "  ".join(cells)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--default-malloc", action="store_true",
                        help="leave glibc's allocator settings alone (see autograd.demo.allocator)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}; rows: {', '.join(args.only)}", flush=True)
    print(settings.configure(args.default_malloc), flush=True)
    for name in args.only:
        module = importlib.import_module(f"benchmarks.{name}")
        start = time.perf_counter()
        rows = module.run()
        for row in rows if isinstance(rows, list) else [rows]:
            print(_format_row(row), flush=True)
        print(f"    ({name}: {time.perf_counter() - start:.0f} s of benchmarking)", flush=True)


if __name__ == "__main__":
    main()
