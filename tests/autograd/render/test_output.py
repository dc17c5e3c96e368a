"""Files and pictures from a diagram, with Graphviz's `dot` and without it."""

import graphviz
import pytest

import nodes as nd
from autograd import Input, draw
from autograd.render import Diagram, save
from autograd.render.output import INSTALL_HINT


@pytest.mark.parametrize("ext, magic", [("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_real_files_from_the_dot_program(small_net, tmp_path, dot_program, ext, magic):
    graph, _ = small_net
    path = tmp_path / f"net.{ext}"
    written = save(draw(graph), path)
    assert written == str(path)
    data = path.read_bytes()
    assert magic in data[:400]
    if ext == "svg":
        assert b"fc" in data and b"softmax_cross_entropy" in data


def test_dot_files_are_the_source(small_net, tmp_path):
    graph, _ = small_net
    diagram = draw(graph)
    assert save(diagram, tmp_path / "a" / "net.dot") == str(tmp_path / "a" / "net.dot")
    assert (tmp_path / "a" / "net.dot").read_text() == diagram.source
    assert open(save(diagram.source, tmp_path / "net.gv")).read() == diagram.source  # the text alone will do


def test_path_argument_saves(small_net, tmp_path, dot_program):
    graph, _ = small_net
    draw(graph, path=tmp_path / "sub" / "g.svg")
    assert b"<svg" in (tmp_path / "sub" / "g.svg").read_bytes()


def test_unknown_extension_is_refused(small_net, tmp_path):
    graph, _ = small_net
    with pytest.raises(ValueError, match="svg"):
        save(draw(graph), tmp_path / "net.jpeg2")


def test_without_the_dot_program_the_source_is_written(small_net, tmp_path, without_dot, capsys):
    graph, _ = small_net
    diagram = draw(graph)  # drawing needs no program
    assert "digraph" in diagram.source
    written = save(diagram, tmp_path / "net.png")
    assert written == str(tmp_path / "net.dot")
    assert (tmp_path / "net.dot").read_text() == diagram.source
    assert not (tmp_path / "net.png").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "install Graphviz" in err[0]
    # Jupyter's display falls back to the source instead of raising.
    bundle = diagram._repr_mimebundle_()
    assert "install Graphviz" in bundle["text/plain"] and "digraph" in bundle["text/plain"]


def test_every_way_out_of_a_diagram_works_without_dot(small_net, tmp_path, without_dot, monkeypatch, capsys):
    graph, _ = small_net
    diagram = draw(graph)
    assert isinstance(diagram, Diagram)
    monkeypatch.chdir(tmp_path)

    def one_hint():
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "install Graphviz" in err[0], err
        return err[0]

    written = diagram.render(outfile=str(tmp_path / "out" / "net.png"))
    assert open(written).read().startswith("digraph") and not (tmp_path / "out" / "net.png").exists()
    assert written in one_hint()
    written = diagram.render(str(tmp_path / "plain"), format="svg")
    assert open(written).read() == diagram.source
    one_hint()
    assert diagram.view(str(tmp_path / "viewed")) == str(tmp_path / "viewed")
    one_hint()
    assert diagram.pipe(format="svg") == diagram.source.encode()
    one_hint()
    assert diagram.pipe(format="svg", encoding="utf-8") == diagram.source
    one_hint()
    assert diagram._repr_image_svg_xml() is None and diagram._repr_image_png() is None
    capsys.readouterr()
    bundle = diagram._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and bundle["text/plain"].startswith(INSTALL_HINT)
    assert capsys.readouterr().err == ""  # the bundle says it in its text
    assert diagram._repr_mimebundle_(include=[]) == {}
    diagram.unflatten()
    one_hint()


def test_with_dot_the_diagram_methods_make_pictures(small_net, tmp_path, dot_program):
    graph, _ = small_net
    diagram = draw(graph)
    assert diagram.pipe(format="svg").lstrip().startswith(b"<?xml")
    assert diagram._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")
    out = diagram.render(outfile=str(tmp_path / "net.png"))
    assert open(out, "rb").read(4) == b"\x89PNG"


def test_view_takes_graphviz_s_positional_arguments(tmp_path, monkeypatch):
    seen = {}

    def render(self, filename=None, directory=None, view=False, cleanup=False, **kwargs):
        seen.update(filename=filename, directory=directory, view=view, cleanup=cleanup)
        return filename

    monkeypatch.setattr(graphviz.Digraph, "render", render)
    diagram = draw(nd.sum(Input("x", shape=(2,)) * 2.0))
    diagram.view(str(tmp_path / "v"), None, True)
    assert seen == {"filename": str(tmp_path / "v"), "directory": None, "view": True, "cleanup": True}


def test_pngs_are_drawn_at_twice_the_screen_s_resolution_unless_the_diagram_says(small_net, tmp_path, dot_program):
    import struct

    from autograd.render.output import PNG_DPI, with_dpi

    def width(path):
        return struct.unpack(">I", path.read_bytes()[16:20])[0]  # the IHDR chunk's width

    graph, _ = small_net
    save(draw(graph), tmp_path / "sharp.png")
    save(draw(graph, graph_attr={"dpi": "96"}), tmp_path / "screen.png")
    assert PNG_DPI == 192 and width(tmp_path / "sharp.png") == pytest.approx(2 * width(tmp_path / "screen.png"), abs=2)
    source = draw(graph).source
    assert with_dpi(source, 192).startswith("digraph nodegrad {\n\tgraph [dpi=192]")
    assert with_dpi(draw(graph, graph_attr={"dpi": "72"}).source, 192) == draw(graph, graph_attr={"dpi": "72"}).source
    save(draw(graph), tmp_path / "net.svg")
    assert "dpi" not in (tmp_path / "net.svg").read_text()[:2000]  # vector output is left as it was


def test_a_diagram_s_repr_is_the_same_for_the_same_drawing(small_net):
    graph, _ = small_net
    text = repr(draw(graph))
    assert text == repr(draw(graph)) and "0x" not in text and text.startswith("<Diagram 'nodegrad': ")
