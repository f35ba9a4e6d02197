"""Which months an organisation, region or national figure may use (DESIGN.md 3b), no queries.

A month counts above the ward only once it has closed and its submission deadline has passed
(``windows.latest_reportable_month``), and only if enough of the wards expected that month
reported it (``REPORTING_COMPLETENESS_THRESHOLD``, 80%). A month with too few wards is shown
greyed as *incomplete* and kept out of the limits and the rules, never drawn as a signal; a month
whose deadline has not passed is *awaiting* and is not shown at all, so one early ward cannot
become the national "latest".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from culture_of_care.improvement.windows import month_label

COMPLETE = "complete"
INCOMPLETE = "incomplete"
AWAITING = "awaiting"


@dataclass(frozen=True)
class MonthFigure:
    """One month of a scope's figure: the sums over the wards that reported, and how many did."""

    period: date
    numerator: float
    denominator: float | None
    reported: int
    expected: int
    status: str

    @property
    def included(self) -> bool:
        return self.status == COMPLETE

    @property
    def coverage(self) -> str:
        ward = "ward" if self.expected == 1 else "wards"
        return f"{self.reported:,} of {self.expected:,} {ward} reported"

    @property
    def label(self) -> str:
        return month_label(self.period)


def classify_months(
    months: Mapping[date, tuple[float, float | None, int, int]],
    *,
    latest_reportable: date,
    threshold: float,
) -> list[MonthFigure]:
    """Each month (numerator, denominator, wards reported, wards expected) with its status.

    Months with no ward expected are left out; months after ``latest_reportable`` are awaiting.
    """
    out = []
    for period in sorted(months):
        numerator, denominator, reported, expected = months[period]
        if expected <= 0:
            continue
        if period > latest_reportable:
            status = AWAITING
        elif reported >= threshold * expected and reported > 0:
            status = COMPLETE
        else:
            status = INCOMPLETE
        out.append(MonthFigure(period, numerator, denominator, reported, expected, status))
    return out
