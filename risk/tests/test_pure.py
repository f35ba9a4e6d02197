"""The pure helpers: quarters and the small-number rules."""

from __future__ import annotations

from datetime import date

import pytest

from culture_of_care import suppression
from culture_of_care.periods import (
    next_quarter,
    previous_quarter,
    quarter_end,
    quarter_label,
    quarter_start,
    recent_quarters,
)

RULES = suppression.Rules(min_count=5, round_to=5)


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 3, 31), date(2026, 1, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 12, 31), date(2026, 10, 1)),
    ],
)
def test_quarter_start(day, start):
    assert quarter_start(day) == start


def test_quarter_arithmetic_crosses_years():
    assert previous_quarter(date(2026, 1, 1)) == date(2025, 10, 1)
    assert next_quarter(date(2025, 10, 1)) == date(2026, 1, 1)
    assert quarter_end(date(2026, 4, 1)) == date(2026, 6, 30)
    assert quarter_label(date(2026, 5, 17)) == "April to June 2026"
    assert recent_quarters(date(2026, 2, 3), 3) == [
        date(2026, 1, 1),
        date(2025, 10, 1),
        date(2025, 7, 1),
    ]


def test_percentages_are_suppressed_when_either_part_is_small():
    assert suppression.show_percentage(4, 40, RULES) == "*"
    assert suppression.show_percentage(4, 4, RULES) == "*"
    assert suppression.show_percentage(20, 40, RULES) == "50%"
    assert suppression.publishable_pair(3, 40, RULES) is None
    assert suppression.publishable_pair(12, 41, RULES) == (10, 40)


def test_thresholds_come_from_settings(settings):
    settings.SUPPRESSION = {"min_count": 10, "round_to": 10, "min_bed_days": 100}
    rules = suppression.Rules.from_settings()
    assert suppression.show_count(9, rules) == "*"
    assert suppression.show_count(14, rules) == "10"
