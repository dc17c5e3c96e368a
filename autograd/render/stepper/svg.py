"""The drawing's SVG, made ready for stepping: every changing word gets an element id of its own.

Graphviz writes each item and edge as a `<g>` with the id the DOT gave it,
and each line of a label as a `<text>` inside it. `tagged_svg` finds, in the
group of its owner, the text element of every word the steps change (by
its exact words, see `marks`) and gives it the mark's id, so that the page's
script, and `apply_view` here, change it by id. `apply_view` writes the
SVG as it looks at one step, for notebooks without a script (the widget).
"""

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)
_G, _TEXT = f"{{{SVG}}}g", f"{{{SVG}}}text"


class SvgError(ValueError):
    """Graphviz's SVG does not hold a word the steps change."""


def tagged_svg(svg, marks):
    """`svg` (graphviz's output) as an ElementTree root with every mark's text element carrying the mark's id."""
    root = ET.fromstring(svg)
    groups = {g.get("id"): g for g in root.iter(_G) if g.get("id")}
    for element, (owner, text) in marks.texts.items():
        group = groups.get(owner)
        found = None if group is None else next((t for t in group.iter(_TEXT) if (t.text or "") == text), None)
        if found is None:
            raise SvgError(f"the drawing has no text {text!r} in element {owner!r} for {element!r}")
        found.set("id", element)
    return root


def svg_text(root):
    """The SVG element as text (no XML declaration, ready to inline in HTML)."""
    return ET.tostring(root, encoding="unicode")


def apply_view(root, view, marks):
    """A copy of the tagged SVG `root` as it looks in `view` (`steps.View`), as text.

    The same classes as the page's script sets: ng-hidden, ng-done,
    ng-focus, ng-current (the edge an addend travels along), ng-flash.
    """
    copy = ET.fromstring(ET.tostring(root))
    by_id = {e.get("id"): e for e in copy.iter() if e.get("id")}
    classes = {}
    for element in view.hidden:
        classes.setdefault(element, []).append("ng-hidden")
    for element in view.done:
        classes.setdefault(element, []).append("ng-done")
    step = view.step
    if step is not None:
        for element, cls in ((step.focus, "ng-focus"), (step.edge, "ng-current")):
            if element:
                classes.setdefault(element, []).append(cls)
        for element in step.flash:
            classes.setdefault(element, []).append("ng-flash")
    for element, text in view.texts.items():
        if element in by_id and element in marks.texts:
            by_id[element].text = text
    for element, names in classes.items():
        node = by_id.get(element)
        if node is not None:
            node.set("class", " ".join([*(node.get("class") or "").split(), *names]))
    return svg_text(copy)


def size_of(root):
    """(width, height) of the drawing in points, from its viewBox."""
    box = [float(v) for v in re.split(r"[ ,]+", root.get("viewBox", "0 0 0 0").strip())]
    return box[2], box[3]
