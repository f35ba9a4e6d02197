"""A ward's aim becomes its target line (issue 11, item 3)."""

from __future__ import annotations

import pytest

from culture_of_care.improvement import targets


@pytest.mark.parametrize(
    ("text", "percent"),
    [("By 30%", 30.0), ("30 per cent fewer", 30.0), ("a 12.5% rise", 12.5), ("a lot", None)],
)
def test_percent_is_read_from_the_aim(text, percent):
    assert targets.percent_in(text) == percent


def test_target_moves_the_baseline_in_the_direction_of_improvement():
    assert targets.target_from_aim("30% fewer", 20.0, "decrease") == pytest.approx(14.0)
    assert targets.target_from_aim("By 10%", 50.0, "increase") == pytest.approx(55.0)
    assert targets.target_from_aim("By 10%", 50.0, "neutral") is None
    assert targets.target_from_aim("100% fewer", 20.0, "decrease") is None
    assert targets.target_from_aim("fewer", 20.0, "decrease") is None
