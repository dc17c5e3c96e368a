"""From a trace's events to the steps of a page: what each one says, and what it changes on the drawing.

A `Step` is plain data. What it changes lasts (`show`: words that appear,
`text`: counters that change, `done`: items and edges marked done); what it
points at holds for that step only (`focus`, the item highlighted; `edge`,
the edge an addend travels along; `flash`, parameters updating; the
caption and the side panel). `state_at(steps, k)` is what the drawing shows
at step k: the page's script computes the same thing in the browser.
"""

from dataclasses import dataclass, field

from ...trace import Seed, Send, Sum, Update, Value
from ..text import number
from .marks import box_text, ledger_text


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the page (see the module docstring)."""

    phase: str  # 'forward', 'backward' or 'update'
    caption: str
    focus: str | None = None
    edge: str | None = None
    show: tuple = ()
    text: tuple = ()  # (element id, new text)
    done: tuple = ()
    flash: tuple = ()
    panel: tuple = ()

    def as_json(self):
        """The step as the page's script reads it (short keys, empty fields left out)."""
        full = {"ph": self.phase, "c": self.caption, "f": self.focus, "e": self.edge, "s": list(self.show),
                "t": [list(t) for t in self.text], "d": list(self.done), "x": list(self.flash),
                "p": list(self.panel)}
        return {k: v for k, v in full.items() if v}


@dataclass(slots=True)
class View:
    """What the drawing shows at one step: hidden words, counters, done marks, and what is pointed at."""

    hidden: set = field(default_factory=set)
    texts: dict = field(default_factory=dict)
    done: set = field(default_factory=set)
    step: Step | None = None


def state_at(steps, marks, k):
    """The View after steps 0..k (the page's script does the same)."""
    view = View(hidden={s for step in steps for s in step.show},
                texts={element: text for element, (_, text) in marks.texts.items()})
    for step in steps[: k + 1]:
        view.hidden.difference_update(step.show)
        view.texts.update(dict(step.text))
        view.done.update(step.done)
    view.step = steps[k] if steps else None
    return view


def numbers_line(label, numbers):
    """'dG/df = [0.1 -0.2]' for a small array, else nothing."""
    if numbers is None:
        return ()
    return (f"{label} = [{' '.join(number(v) for v in numbers)}]",)


def shape_text(shape):
    """(2, 3) -> '(2, 3)'; (4,) -> '(4,)'; () -> 'scalar'."""
    return "scalar" if not shape else str(tuple(shape))


def addends(count):
    """'1 addend', '2 addends'."""
    return f"{count} addend" if count == 1 else f"{count} addends"


class Storyboard:
    """Writes the steps of one trace drawn as one marked scene (see `marks.mark_scene`)."""

    def __init__(self, trace, marks):
        self.trace, self.marks = trace, marks
        sends = [e for e in trace.of(Send) if self._edge(e) is not None]
        self.last_send = {}  # edge id -> index of the last Send along it
        for k, e in enumerate(sends):
            self.last_send[self._edge(e)] = k
        self._sends_seen = 0
        self._done_in = {box: 0 for box in marks.members}

    def steps(self):
        """Every event of the trace as a Step, in order."""
        values = len(self.trace.of(Value))
        writers = {Seed: self._seed, Sum: self._sum, Send: self._send, Update: self._update}
        return [self._value(e, k, values) if isinstance(e, Value) else writers[type(e)](e)
                for k, e in enumerate(self.trace.events)]

    def _item(self, name):
        return self.marks.item_of.get(name)

    def _edge(self, send):
        return self.marks.edge_of.get((send.sender, send.position))

    def _if_marked(self, element):
        return (element,) if element in self.marks.texts else ()

    def _value(self, e, k, total):
        info = self.trace.node(e.node)
        where = f" from {', '.join(info.inputs)}" if info.inputs else ""
        made = "is fed" if info.kind == "input" else "holds its value" if not info.inputs else f"computes{where}"
        caption = (f"Forward {k + 1}/{total}: {e.node} ({info.op}) {made}: shape {shape_text(e.shape)}, "
                   f"norm {number(e.norm)}.")
        return Step("forward", caption, self._item(e.node), panel=numbers_line("value", e.numbers))

    def _seed(self, e):
        item = self._item(e.node)
        counter = self._if_marked(f"{item}-ledger")
        caption = (f"The backward pass starts at the root {e.node}: its slot receives the seed dG/dG = 1 "
                   "(G is the root itself).")
        return Step("backward", caption, item, text=tuple((c, ledger_text(1, self.trace.node(e.node).expected))
                                                          for c in counter),
                    panel=numbers_line("seed", e.numbers))

    def _sum(self, e):
        item = self._item(e.node)
        senders = [a.sender or "the seed" for a in e.arrived]
        what = "dG/dw" if self.trace.node(e.node).kind == "parameter" else "dG/df"
        if len(e.arrived) == e.expected:
            got = f"its {addends(e.expected)}" if e.expected > 1 else "its one addend"
        else:
            got = f"only {len(e.arrived)} of the {addends(e.expected)} it waited for"
        total = "their sum" if len(e.arrived) > 1 else "that"
        caption = (f"{e.node} has {got} (from {', '.join(senders)}): its slot is complete, and {total} is {what}, "
                   f"norm {number(e.norm)}.")
        if self.trace.node(e.node).kind == "parameter":
            caption += " It updates only once the whole pass has succeeded."
        text, done = [], [item]
        box = item if item in self._done_in else None
        if box is not None:
            self._done_in[box] += 1
            text.append((f"{box}-ledger", box_text(self._done_in[box], len(self.marks.members[box]))))
            done = [box] if self._done_in[box] == len(self.marks.members[box]) else []
        show = self._if_marked(f"{item}-grad") if box is None or done else ()
        panel = tuple(f"from {s}: norm {number(a.norm) if a.norm is not None else 'nothing sent'}"
                      for s, a in zip(senders, e.arrived))
        panel += (f"sum {what}: norm {number(e.norm)}",) + numbers_line(what, e.numbers)
        return Step("backward", caption, item, show=show, text=tuple(text), done=tuple(done), panel=panel)

    def _send(self, e):
        item, edge, target = self._item(e.sender), self._edge(e), self._item(e.receiver)
        if e.norm is None:
            caption = f"{e.sender} sends {e.receiver} nothing: its backward returned None for that input."
        else:
            have = (f"now has all it waits for ({e.arrived} of {e.expected})" if e.arrived == e.expected
                    else f"now has {e.arrived} of its {addends(e.expected)}")
            caption = f"{e.sender} sends {e.receiver} an addend of norm {number(e.norm)}: {e.receiver} {have}."
        text = ((f"{target}-ledger", ledger_text(e.arrived, e.expected)),) if target not in self._done_in else ()
        text = tuple(t for t in text if t[0] in self.marks.texts)
        show, done = (), ()
        if edge is not None:
            if self.last_send.get(edge) == self._sends_seen:
                show, done = self._if_marked(f"{edge}-label"), (edge,)
            self._sends_seen += 1
        panel = (f"addend to {e.receiver} (input {e.position} of {e.sender}): "
                 f"norm {number(e.norm) if e.norm is not None else 'nothing'}",
                 f"{e.receiver}'s slot: {e.arrived} of {addends(e.expected)} arrived")
        panel += numbers_line("addend", e.numbers)
        return Step("backward", caption, item, edge, show, text, done, panel=panel)

    def _update(self, e):
        item = self._item(e.parameter)
        caption = (f"{e.parameter} updates once, from its complete gradient ({e.rule}, lr {number(e.lr)}): "
                   f"norm {number(e.old_norm)} → {number(e.new_norm)}, a step of norm {number(e.step_norm)} "
                   f"from |dG/dw| {number(e.grad_norm)}.")
        panel = (f"before: norm {number(e.old_norm)}", f"dG/dw: norm {number(e.grad_norm)}",
                 f"step: norm {number(e.step_norm)}", f"after: norm {number(e.new_norm)}")
        panel += numbers_line("before", e.old_numbers) + numbers_line("after", e.new_numbers)
        return Step("update", caption, item, show=self._if_marked(f"{item}-update"), flash=(item,), panel=panel)
