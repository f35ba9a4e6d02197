"""Small-number suppression and rate ratios (pure maths, worked examples by hand)."""

from __future__ import annotations

import math

import pytest

from culture_of_care.suppression import (
    GroupInput,
    Rules,
    equity_table,
    rate,
    rate_is_suppressed,
    rate_ratio,
    round_half_up,
    secondary_suppress,
)
from culture_of_care.suppression import show_count as count_display


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "*"),
        (1, "*"),
        (4, "*"),
        (5, "5"),
        (7, "5"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (1234, "1,235"),
    ],
)
def test_counts_under_five_are_starred_and_others_rounded_to_five(count, shown):
    assert count_display(count) == shown


def test_rounding_is_half_up_not_bankers():
    assert round_half_up(12.5, 5) == 15
    assert round_half_up(17.5, 5) == 20
    assert round_half_up(2.5, 1) == 3


def test_thresholds_come_from_the_rules():
    assert count_display(7, Rules(min_count=10, round_to=10)) == "*"
    assert count_display(14, Rules(min_count=10, round_to=10)) == "10"


def test_rate_is_suppressed_for_small_numerator_denominator_or_bed_days():
    assert rate_is_suppressed(4, 1000)
    assert rate_is_suppressed(10, 4, bed_days=False)
    assert rate_is_suppressed(10, 99)  # fewer than 100 bed days
    assert not rate_is_suppressed(10, 99, bed_days=False)  # a percentage: 99 is plenty
    assert not rate_is_suppressed(5, 100)


def test_rate_per_thousand():
    assert rate(12, 3000, 1000) == pytest.approx(4.0)
    assert rate(3, 0) is None


def test_rate_ratio_worked_example():
    # 30 episodes in 2,000 bed days (15 per 1,000) against 20 in 4,000 (5 per 1,000): ratio 3.
    result = rate_ratio(30, 2000, 20, 4000)
    assert result.ratio == pytest.approx(3.0)
    spread = 1.959963984540054 * math.sqrt(1 / 30 + 1 / 20)
    assert result.lower == pytest.approx(3.0 * math.exp(-spread))
    assert result.upper == pytest.approx(3.0 * math.exp(spread))
    assert result.lower == pytest.approx(1.7037, abs=1e-3)
    assert result.upper == pytest.approx(5.2825, abs=1e-3)


def test_rate_ratio_is_undefined_with_a_zero_count():
    assert rate_ratio(0, 2000, 20, 4000) is None
    assert rate_ratio(10, 2000, 0, 4000) is None


def test_secondary_suppression_hides_the_next_smallest_when_one_is_hidden():
    # 3 is hidden; without a second hidden cell, total - others would give it back.
    assert secondary_suppress([40, 3, 12, 25]) == [False, True, True, False]


def test_two_hidden_cells_protect_each_other():
    assert secondary_suppress([40, 3, 2, 25]) == [False, True, True, False]


def test_nothing_hidden_when_all_counts_are_large():
    assert secondary_suppress([40, 30, 12]) == [False, False, False]


def test_equity_table_worked_example():
    groups = [
        GroupInput("white", "White", 40, 8000),
        GroupInput("black", "Black or Black British", 24, 1600),
        GroupInput("asian", "Asian or Asian British", 3, 900),
        GroupInput("mixed", "Mixed", 6, 80),
        GroupInput("other", "Other ethnic groups", 9, 1200),
    ]
    table = equity_table(groups, reference_code="white", multiplier=1000)
    rows = {row.code: row for row in table.rows}
    # White: 40 / 8,000 x 1,000 = 5 per 1,000 bed days, the reference.
    assert rows["white"].rate == pytest.approx(5.0)
    assert rows["white"].is_reference
    # Black: 24 / 1,600 x 1,000 = 15, three times the White rate; the count shows as 25.
    assert rows["black"].numerator == "25"
    assert rows["black"].rate == pytest.approx(15.0)
    assert rows["black"].rate_ratio.ratio == pytest.approx(3.0)
    # Asian: 3 is under 5, so starred, with no rate and no ratio.
    assert rows["asian"].numerator == "*"
    assert rows["asian"].rate is None and rows["asian"].rate_ratio is None
    assert not rows["asian"].secondary
    # Mixed (6) is the next smallest count: hidden as well, so Asian cannot be recovered.
    assert rows["mixed"].numerator == "*"
    assert rows["mixed"].secondary
    assert rows["mixed"].rate is None
    # Other: 9 / 1,200 x 1,000 = 7.5, shown.
    assert rows["other"].rate == pytest.approx(7.5)
    # Total: 82 rounds to 80; its rate is 82 / 11,780 x 1,000.
    assert table.total.numerator == "80"
    assert table.total.rate == pytest.approx(82 / 11780 * 1000)


def test_no_ratios_when_the_reference_rate_is_hidden():
    groups = [
        GroupInput("white", "White", 4, 8000),
        GroupInput("black", "Black or Black British", 24, 1600),
        GroupInput("other", "Other ethnic groups", 30, 1200),
    ]
    table = equity_table(groups)
    assert not table.reference_rate_shown
    assert all(row.rate_ratio is None for row in table.rows)


def test_rate_hidden_under_one_hundred_bed_days_even_with_enough_events():
    table = equity_table(
        [GroupInput("white", "White", 50, 5000), GroupInput("mixed", "Mixed", 8, 90)]
    )
    rows = {row.code: row for row in table.rows}
    assert rows["mixed"].numerator == "10"
    assert rows["mixed"].rate is None
