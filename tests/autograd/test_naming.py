"""Node names and scopes: checked names, nested and dotted scopes, counters, unique root names."""

import re

import pytest

import autograd as ag
from autograd.naming import check_name, current_scope, make_name, scope, unique_root_name


@pytest.mark.parametrize("good", ["w", "fc1.weight", "a_b-c", None])
def test_a_good_name_passes_unchanged(good):
    assert check_name(good) == good


@pytest.mark.parametrize("bad", ["", "a/b", 3, ["w"]])
def test_a_bad_name_is_refused_saying_what_it_names(bad):
    expected = "a widget name must be a non-empty string without '/', got " + repr(bad)
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        check_name(bad, "a widget name")


def test_scopes_nest_and_a_dotted_scope_opens_several_segments():
    assert current_scope() == ()
    with scope("encoder") as outer:
        assert outer == "encoder"
        with scope("blocks.0") as inner:
            assert inner == "encoder.blocks.0"
            assert current_scope() == ("encoder", "blocks", "0")
            assert make_name("q", "matmul") == "encoder.blocks.0.q"
        assert current_scope() == ("encoder",)
    assert current_scope() == ()


def test_a_scope_is_closed_when_its_block_raises():
    with pytest.raises(KeyError), scope("failing"):
        raise KeyError("inside")
    assert current_scope() == ()


@pytest.mark.parametrize("bad", ["a..b", ".a", "a.", "", "a/b"])
def test_a_scope_with_empty_parts_or_a_slash_is_refused(bad):
    with pytest.raises(ValueError, match="scope name"):
        with scope(bad):
            pass
    assert current_scope() == ()


def test_an_automatic_name_counts_per_operation():
    assert [make_name(None, "op_counted_here") for _ in range(3)] == [
        "op_counted_here_0", "op_counted_here_1", "op_counted_here_2"]
    assert make_name(None, "other_op_counted_here") == "other_op_counted_here_0"
    with scope("s"):
        assert make_name(None, "op_counted_here") == "s.op_counted_here_3"


def test_a_given_name_is_checked():
    with pytest.raises(ValueError, match="a node name must be"):
        make_name("a/b", "add")


def test_unique_root_names_count_per_scope_and_base():
    assert [unique_root_name(("here",), "block_named_here") for _ in range(3)] == [
        "block_named_here", "block_named_here_1", "block_named_here_2"]
    assert unique_root_name(("elsewhere",), "block_named_here") == "block_named_here"


def test_names_with_a_slash_are_refused():
    with pytest.raises(ValueError, match="without '/'"):
        ag.Parameter(1.0, name="a/b")
