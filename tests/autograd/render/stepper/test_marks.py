"""The words a stepped drawing changes: counters for every slot, gradients, updates and edge numbers."""

from autograd.render.stepper.marks import box_text, ledger_text
from autograd.trace import Send, Sum, Update


def test_every_slot_has_a_counter_of_its_expected_addends(known_trace):
    marks, scene = known_trace.marks, known_trace.scene
    for info in known_trace.nodes:
        item = scene.item(info.name)
        element = f"{item.id}-ledger"
        if info.takes_part:
            assert marks.texts[element] == (item.id, ledger_text(0, info.expected))
            assert ledger_text(0, info.expected) in item.notes
        else:
            assert element not in marks.texts
    assert known_trace.trace.node("W2").expected == 1 and known_trace.trace.node("cost").expected == 1


def test_gradients_updates_and_edge_numbers_are_marked(known_trace):
    marks, scene = known_trace.marks, known_trace.scene
    for e in known_trace.of(Sum):
        item = scene.item(e.node)
        assert marks.texts[f"{item.id}-grad"] == (item.id, item.grad_lines[0])
    updated = {e.parameter for e in known_trace.of(Update)}
    assert updated == {"W1", "b1", "W2", "b2"}
    for name in updated:
        item = scene.item(name)
        assert f"{item.id}-update" in marks.texts and marks.texts[f"{item.id}-update"][1].startswith("updated")
    labelled = {e.id for e in scene.edges if e.show_addend}
    assert labelled and {k[: -len("-label")] for k in marks.texts if k.endswith("-label")} == labelled
    for send in known_trace.of(Send):  # every addend travels along a drawn edge
        edge_id = marks.edge_of[(send.sender, send.position)]
        (edge,) = [e for e in scene.edges if e.id == edge_id]
        names = {item.id: item.name for item in scene.items()}
        assert (names[edge.tail], names[edge.head]) == (send.receiver, send.sender)


def test_a_folded_block_counts_its_nodes(vit_trace):
    box = vit_trace.scene.item("block2")
    members = vit_trace.marks.members[box.id]
    summed = {e.node for e in vit_trace.of(Sum)}
    assert set(members) == set(box.members) & summed and len(members) > 20
    assert vit_trace.marks.texts[f"{box.id}-ledger"] == (box.id, box_text(0, len(members)))
    assert all(vit_trace.marks.item_of[name] == box.id for name in box.members)
