"""The words a stepped drawing changes as the steps go by, added to the scene before it is laid out.

The page draws the graph once, as it stands after the traced step (every
gradient and addend norm on it), so that graphviz makes room for every word
the steps will show. Then the page hides what has not happened yet and
changes the counters. This module adds the counters to the scene and lists
every text element the steps change, by element id:

- `<item>-grad`: a node's |dG/df| line, shown when its sum is complete;
- `<item>-ledger`: 'addends 1/2' (a folded block: '3/12 nodes done');
- `<item>-update`: a parameter's update, shown when it updates;
- `<edge>-label`: the norm on an edge, shown when its addend has arrived.
"""

from dataclasses import dataclass, field

from ...trace import Send, Sum, Update
from ..text import number


@dataclass(slots=True)
class Marks:
    """Where the stepper's words are: element id -> (id of the item or edge drawing it, its text as laid out)."""

    texts: dict = field(default_factory=dict)
    item_of: dict = field(default_factory=dict)  # node name -> id of the item drawing it
    edge_of: dict = field(default_factory=dict)  # (consumer name, input index) -> edge id
    members: dict = field(default_factory=dict)  # box item id -> names of its nodes with a sum in the trace

    def add(self, element, owner, text):
        """Record that `owner` (an item or edge id) draws `text`, which the steps call `element`."""
        self.texts[element] = (owner, text)


def ledger_text(arrived, expected):
    """'addends 1/2': how many of the addends a slot waits for have arrived."""
    return f"addends {arrived}/{expected}"


def box_text(done, total):
    """'3/12 nodes done': how many of a folded block's nodes have their sums."""
    return f"{done}/{total} nodes done"


def update_text(update):
    """What a parameter's update did, in a few words."""
    return f"updated: step {number(update.step_norm)}"


def mark_scene(scene, trace):
    """Add the stepper's lines to `scene`'s items (in place) and return the Marks of every changing word."""
    marks = Marks()
    items = list(scene.items())
    for item in items:
        for name in item.members or (item.name,):
            marks.item_of[name] = item.id
    for edge in scene.edges:
        for carried in edge.carries:
            marks.edge_of[carried] = edge.id
    summed = {e.node for e in trace.of(Sum)}
    updated = {e.parameter: e for e in trace.of(Update)}
    for item in items:
        _mark_item(marks, item, trace, summed, updated.get(item.name))
    sent = {marks.edge_of.get((e.sender, e.position)) for e in trace.of(Send)}
    for edge in scene.edges:
        if edge.show_addend and edge.id in sent:
            marks.add(f"{edge.id}-label", edge.id, edge.addend.text)
    return marks


def _mark_item(marks, item, trace, summed, update):
    """Mark an item's gradient line and add its counter (and a parameter's update line)."""
    if item.grad_lines:
        marks.add(f"{item.id}-grad", item.id, item.grad_lines[0])
    if item.members:
        done = tuple(n for n in item.members if n in summed)
        if done:
            marks.members[item.id] = done
            _note(marks, item, f"{item.id}-ledger", box_text(0, len(done)))
    elif item.name in summed:
        _note(marks, item, f"{item.id}-ledger", ledger_text(0, trace.node(item.name).expected))
    if update is not None:
        _note(marks, item, f"{item.id}-update", update_text(update))


def _note(marks, item, element, text):
    item.notes = (*item.notes, text)
    marks.add(element, item.id, text)
