"""The loss reduction modes."""

import pytest

from nodes.common.reductions import REDUCTIONS, check_reduction


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_valid_modes_come_back_unchanged(reduction):
    assert check_reduction(reduction) == reduction


@pytest.mark.parametrize("reduction", ["avg", "Mean", None, ""])
def test_other_modes_are_refused_naming_the_valid_ones(reduction):
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\)"):
        check_reduction(reduction)


def test_the_modes():
    assert REDUCTIONS == ("mean", "sum", "none")
