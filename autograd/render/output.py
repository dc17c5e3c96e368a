"""Turning a diagram into a file or an inline picture, with or without Graphviz's `dot`.

The DOT source never needs the `dot` program; only layout does. When it is
missing, every way out of a `Diagram` falls back to the source with one line
(on stderr) saying how to install Graphviz, never a raw `ExecutableNotFound`
traceback: saving and `render`/`view` write the DOT source to a file and
return its path, `pipe` returns the source instead of the picture, and
Jupyter shows the source as text.
"""

import os
import re
import sys

import graphviz

INSTALL_HINT = (
    "Graphviz's `dot` program was not found; install Graphviz "
    "(apt install graphviz, brew install graphviz or conda install graphviz) to get pictures"
)
FORMATS = ("svg", "png", "pdf")
#: PNGs are drawn at twice the screen's 96 dpi unless the diagram sets its own dpi: at 96 dpi an
#: ordinary diagram comes out about 500 pixels wide, too small to read on a page.
PNG_DPI = 192


def _hint(written=None):
    tail = f"; wrote the DOT source to {written}" if written else ""
    print(f"{INSTALL_HINT}{tail}", file=sys.stderr)


class Diagram(graphviz.Digraph):
    """A graphviz.Digraph that falls back to its DOT source when `dot` is missing."""

    def __repr__(self):
        # The same text for the same drawing (no memory address): a stored notebook's outputs stay put.
        return f"<Diagram {self.name!r}: {len(self.body)} lines of DOT>"

    def render(self, *args, **kwargs):
        """graphviz's render; without `dot`, the DOT source file that render writes
        first is all there is: its path is returned after the one-line install hint."""
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            written = self.filepath  # render saved the source here before calling dot
            if not os.path.exists(written):
                written = self.save()
            _hint(written)
            return written

    def view(self, filename=None, directory=None, cleanup=False, quiet=False, quiet_view=False):
        """graphviz's view (render, then open the file); without `dot`, as `render`."""
        return self.render(filename=filename, directory=directory, view=True, cleanup=cleanup, quiet=quiet,
                           quiet_view=quiet_view)

    def pipe(self, format=None, *args, encoding=None, **kwargs):
        """graphviz's pipe; without `dot`, the DOT source itself (str with an
        `encoding`, else bytes) after the one-line install hint."""
        try:
            return super().pipe(format, *args, encoding=encoding, **kwargs)
        except graphviz.ExecutableNotFound:
            _hint()
            return self.source if encoding is not None else self.source.encode(self.encoding)

    def unflatten(self, *args, **kwargs):
        """graphviz's unflatten; without `dot`, this diagram's source as a graphviz.Source."""
        try:
            return super().unflatten(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            _hint()
            return graphviz.Source(self.source)

    # Jupyter: the pictures need `dot`; without it there is no picture (None
    # tells IPython to skip that format) and the bundle carries the source.
    _in_bundle = False

    def _picture(self, fmt, encoding=None):
        try:
            return super().pipe(format=fmt, encoding=encoding)
        except graphviz.ExecutableNotFound:
            if not self._in_bundle:  # the bundle says it in its text instead
                _hint()
            return None

    def _repr_image_svg_xml(self):
        return self._picture("svg", encoding="utf-8")

    def _repr_image_png(self):
        return self._picture("png")

    def _repr_image_jpeg(self):
        return self._picture("jpeg")

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        self._in_bundle = True
        try:
            bundle = super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        finally:
            self._in_bundle = False
        pictures = {mime: data for mime, data in bundle.items() if data is not None}
        if len(pictures) < len(bundle):
            pictures["text/plain"] = f"{INSTALL_HINT}.\n{self.source}"
        return pictures


def save(diagram, path):
    """Write `diagram` (a Digraph or its DOT source) to `path`; returns the path written.

    The format comes from the extension: .svg, .png, .pdf (laid out by `dot`)
    or .dot/.gv (the source). A PNG is drawn at PNG_DPI unless the diagram
    sets a dpi of its own (`graph_attr={"dpi": ...}`). Without the `dot` program, the source goes to
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
    drawn = with_dpi(source, PNG_DPI) if fmt == "png" else source
    try:
        data = graphviz.pipe("dot", fmt, drawn.encode("utf-8"))
    except graphviz.ExecutableNotFound:
        written = _write_source(source, stem + ".dot")
        _hint(written)
        return written
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def with_dpi(source, dpi):
    """DOT `source` drawn at `dpi`, unless it sets a dpi of its own (which then wins)."""
    if re.search(r"\bdpi\s*=", source):
        return source
    opening = source.index("{") + 1
    return f"{source[:opening]}\n\tgraph [dpi={dpi}]{source[opening:]}"


def _write_source(source, path):
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path
