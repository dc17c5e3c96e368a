"""Argument types of the demo's command line: each turns a flag's text into a value or says what is wrong.

Also the check of the output files, made before any work is done.
"""

import argparse
import math
import os
import tempfile

KIND_NAMES = {int: "an integer", float: "a number"}


def positive(kind):
    """An argparse type: a positive int, or a finite positive float."""

    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {KIND_NAMES[kind]}") from None
        if not (value > 0 and math.isfinite(value)):
            finite = " and finite" if kind is float else ""
            raise argparse.ArgumentTypeError(f"must be positive{finite}, got {text}")
        return value

    convert.__name__ = f"positive {kind.__name__}"
    return convert


def non_negative_int(text):
    """An argparse type: an int >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def widths(text):
    """An argparse type: comma-separated positive widths, `512,256`."""
    try:
        values = tuple(int(w) for w in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of widths such as 512,256") from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"widths must be positive, got {text}")
    return values


def non_negative_float(text):
    """An argparse type: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be 0 or more and finite, got {text}")
    return value


def fraction(text):
    """An argparse type: a number in [0, 1)."""
    value = non_negative_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"must be less than 1, got {text}")
    return value


#: File types of the pictures, by flag.
PICTURE_TYPES = {"draw": (".svg", ".png", ".pdf", ".dot", ".gv"), "plot": (".png", ".svg", ".pdf"),
                 "predictions": (".png", ".svg", ".pdf"), "trace_backward": (".html", ".htm")}
#: The flags that name a file the run writes.
OUTPUT_FLAGS = ("save", "draw", "plot", "predictions", "metrics_json", "trace_backward")


def check_output_paths(args, usage_error):
    """Refuse, before any work is done, an output file that could not be written at the end (`usage_error`)."""
    for flag in OUTPUT_FLAGS:
        path = getattr(args, flag)
        if not path:
            continue
        option = "--" + flag.replace("_", "-")
        folder = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise usage_error(f"{option} {path} is a folder, not a file name")
        if not os.path.isdir(folder):
            raise usage_error(f"the folder of {option} {path} does not exist")
        if not writable(folder):
            raise usage_error(f"{option} {path}: the folder {folder} cannot be written (no permission, or read-only)")
        if flag == "save" and path.lower().endswith(".safetensors"):
            raise usage_error(f"--save {path}: a checkpoint is an .npz file (a .safetensors file holds weights only)")
        types = PICTURE_TYPES.get(flag)
        extension = os.path.splitext(path)[1]
        if types and extension.lower() not in types:
            what = f"a {extension} file" if extension else "a file without an extension"
            raise usage_error(f"{option} {path}: cannot write {what}; use {', '.join(types[:-1])} or {types[-1]}")


def writable(folder):
    """Whether a file can be made in `folder`: asked of the system, then tried (an empty file, removed at once)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".nodegrad-write-check-")
    except OSError:  # a read-only file system, or rights that access() does not see
        return False
    os.close(handle)
    os.remove(probe)
    return True
