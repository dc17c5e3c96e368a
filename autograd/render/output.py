"""Turning a diagram into a file or an inline picture, with or without Graphviz's `dot`.

The DOT source never needs the `dot` program; only layout does. When it is
missing, saving writes the `.dot` source next to the requested path and
prints one line saying how to install Graphviz, and Jupyter shows the source
as text instead of raising.
"""

import os
import sys

import graphviz

INSTALL_HINT = (
    "Graphviz's `dot` program was not found; install Graphviz "
    "(apt install graphviz, brew install graphviz or conda install graphviz) to get pictures"
)
FORMATS = ("svg", "png", "pdf")


class Diagram(graphviz.Digraph):
    """A graphviz.Digraph that falls back to its DOT source when `dot` is missing."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        try:
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"{INSTALL_HINT}.\n{self.source}"}


def save(diagram, path):
    """Write `diagram` (a Digraph or its DOT source) to `path`; returns the path written.

    The format comes from the extension: .svg, .png, .pdf (laid out by `dot`)
    or .dot/.gv (the source). Without the `dot` program, the source goes to
    the same path with the extension .dot instead, and a one-line message says
    how to install Graphviz.
    """
    path = os.fspath(path)
    source = diagram.source if isinstance(diagram, graphviz.Source | graphviz.Digraph | graphviz.Graph) else diagram
    stem, ext = os.path.splitext(path)
    fmt = ext.lstrip(".").lower()
    if fmt in ("dot", "gv"):
        return _write_source(source, path)
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format of {path!r}: use .svg, .png, .pdf or .dot")
    try:
        data = graphviz.pipe("dot", fmt, source.encode("utf-8"))
    except graphviz.ExecutableNotFound:
        written = _write_source(source, stem + ".dot")
        print(f"{INSTALL_HINT}; wrote the DOT source to {written}", file=sys.stderr)
        return written
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _write_source(source, path):
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path
