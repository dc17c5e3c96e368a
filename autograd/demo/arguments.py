"""Argument types of the demo's command line: each turns a flag's text into a value or says what is wrong."""

import argparse
import math

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
