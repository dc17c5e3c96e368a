"""The steps of a page: what each says, what it changes, and what the drawing shows after any of them."""

import re

from autograd.render.stepper.marks import box_text, ledger_text
from autograd.render.text import number
from autograd.trace import Send, Sum, Update, Value


def test_one_step_per_event_in_order(known_trace):
    steps, events = known_trace.steps, known_trace.events
    assert len(steps) == len(events)
    phases = [s.phase for s in steps]
    assert phases == sorted(phases, key=["forward", "backward", "update"].index)
    assert phases.count("forward") == len(known_trace.of(Value))
    assert phases.count("update") == len(known_trace.of(Update)) == 4
    for step, event in zip(steps, events):
        name = getattr(event, "node", None) or getattr(event, "sender", None) or event.parameter
        assert step.focus == known_trace.scene.item(name).id and name in step.caption


def test_before_the_backward_pass_no_gradient_shows_and_every_counter_is_zero(known_trace):
    forward = len(known_trace.of(Value))
    view = known_trace.state_at(forward - 1)
    grads = {k for k in known_trace.marks.texts if k.endswith(("-grad", "-label", "-update"))}
    assert grads and grads <= view.hidden and not view.done
    assert all(re.fullmatch(r"addends 0/\d+", t) for k, t in view.texts.items() if k.endswith("-ledger"))


def test_each_addend_moves_its_receiver_s_counter_and_each_sum_shows_its_gradient(known_trace):
    marks, scene = known_trace.marks, known_trace.scene
    for k, (step, event) in enumerate(zip(known_trace.steps, known_trace.events)):
        view = known_trace.state_at(k)
        if isinstance(event, Send):
            receiver = scene.item(event.receiver).id
            assert view.texts[f"{receiver}-ledger"] == ledger_text(event.arrived, event.expected)
            assert step.edge == marks.edge_of[(event.sender, event.position)] and step.edge in view.done
            assert f"{step.edge}-label" not in view.hidden and number(event.norm) in step.caption
            assert f"{receiver}-grad" in view.hidden  # complete only at its own sum
        if isinstance(event, Sum):
            item = scene.item(event.node).id
            assert f"{item}-grad" not in view.hidden and item in view.done
            assert view.texts[f"{item}-ledger"] == ledger_text(event.expected, event.expected)
            assert number(event.norm) in step.caption
        if isinstance(event, Update):
            assert step.flash == (scene.item(event.parameter).id,) and number(event.step_norm) in step.caption
    end = known_trace.state_at(len(known_trace.steps) - 1)
    assert not end.hidden and end.step is known_trace.steps[-1]


def test_small_arrays_show_their_numbers_beside_the_drawing(known_trace):
    (w2,) = [s for s, e in zip(known_trace.steps, known_trace.events) if isinstance(e, Sum) and e.node == "W2"]
    assert any(line.startswith("dG/dw = [-0.00522 0.0068") for line in w2.panel)
    assert "from mm2: norm" in " ".join(w2.panel)


def test_a_shared_weight_counts_both_addends_before_its_sum():
    import numpy as np

    import autograd as ag
    import nodes as nd

    x = ag.Input("x", shape=(None, 2))
    w = ag.Parameter(np.eye(2), name="w")
    graph = ag.Graph(nd.sum(nd.matmul(nd.matmul(x, w, name="first"), w, name="second"), name="total"))
    trace = ag.trace_backward(graph, x=np.ones((3, 2)))
    item = trace.scene.item("w").id
    counters = [dict(s.text).get(f"{item}-ledger") for s in trace.steps if dict(s.text).get(f"{item}-ledger")]
    assert counters == ["addends 1/2", "addends 2/2"]
    assert [s.phase for s in trace.steps].count("update") == 1 and "updates once" in trace.steps[-1].caption


def test_a_folded_block_counts_its_nodes_as_the_sweep_goes_through_it(vit_trace):
    box = vit_trace.scene.item("block2").id
    total = len(vit_trace.marks.members[box])
    inside = [k for k, s in enumerate(vit_trace.steps) if s.focus == box and s.phase == "backward"]
    counts = [vit_trace.state_at(k).texts[f"{box}-ledger"] for k in inside]
    assert counts[0] == box_text(0, total) or counts[0] == box_text(1, total)
    assert counts[-1] == box_text(total, total) and box in vit_trace.state_at(inside[-1]).done
    assert [int(c.split("/")[0]) for c in counts] == sorted(int(c.split("/")[0]) for c in counts)
    assert all(s.edge is None for k, s in enumerate(vit_trace.steps) if k in inside and
               vit_trace.marks.item_of.get(getattr(vit_trace.events[k], "receiver", None)) == box)


def test_a_step_as_the_script_reads_it(known_trace):
    step = next(s for s in known_trace.steps if s.edge)
    data = step.as_json()
    assert data["c"] == step.caption and data["e"] == step.edge and data["ph"] == "backward"
    assert "x" not in data and "s" not in step.as_json() or step.show  # empty fields are left out
