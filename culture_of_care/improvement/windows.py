"""Which months a ward's data may cover, and when a month may count above the ward.

One place for the month arithmetic of reporting windows (DESIGN.md section 3b), used by every
way data comes in (the grid, the paste box, the upload and the API all reach
``data_entry.check_entries``, which asks ``window_problem``) and by the dashboards.

* A ward's **window** runs from its baseline start (``BASELINE_MONTHS`` before coaching starts)
  to the **last closed month** (the month before today's). The month still running is refused:
  one ward entering the month that began this morning once became the national "latest".
* A month counts in an organisation, region or national figure only after its **submission
  deadline** (day ``SUBMISSION_DEADLINE_DAY`` of the next month) has passed; whether enough wards
  reported it is the dashboards' question (``COMPLETENESS_THRESHOLD``).

No queries: callers pass the ward (anything with ``coaching_start``) and today's date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

# Month arithmetic has one implementation (culture_of_care.periods); re-exported for reporting.
from culture_of_care.periods import add_months, month_label, month_start

__all__ = [
    "DataWindow",
    "add_months",
    "baseline_start",
    "counts_above_ward",
    "last_closed_month",
    "latest_reportable_month",
    "month_label",
    "month_start",
    "submission_deadline",
    "ward_window",
    "window_problem",
]


def baseline_months() -> int:
    return int(getattr(settings, "DATA_BASELINE_MONTHS", 12))


def deadline_day() -> int:
    return int(getattr(settings, "DATA_SUBMISSION_DEADLINE_DAY", 15))


def last_closed_month(today: date) -> date:
    """The latest month that has ended: data for it may be entered from the 1st of the next."""
    return add_months(month_start(today), -1)


def baseline_start(ward: Any) -> date | None:
    """The first month of the ward's 12-month baseline, or None without a coaching start."""
    start = getattr(ward, "coaching_start", None)
    if start is None:
        return None
    return add_months(month_start(start), -baseline_months())


@dataclass(frozen=True)
class DataWindow:
    """The months a ward may enter data for (``first`` is None when coaching has no start)."""

    first: date | None
    last: date

    def contains(self, period: date) -> bool:
        return (self.first is None or period >= self.first) and period <= self.last

    @property
    def label(self) -> str:
        if self.first is None:
            return f"up to {month_label(self.last)}"
        if self.first > self.last:
            return f"from {month_label(self.first)} (once that month has ended)"
        return f"from {month_label(self.first)} to {month_label(self.last)}"

    def months(self) -> list[date]:
        if self.first is None:
            return []
        out, current = [], self.first
        while current <= self.last:
            out.append(current)
            current = add_months(current, 1)
        return out


def ward_window(ward: Any, *, today: date) -> DataWindow:
    return DataWindow(first=baseline_start(ward), last=last_closed_month(today))


def window_problem(ward: Any, period: date, *, today: date, label: str = "") -> str | None:
    """Why a value for ``period`` cannot be accepted for this ward, naming the window; or None.

    The one check every data path makes (grid, paste, upload, API).
    """
    window = ward_window(ward, today=today)
    prefix = f"{label}: " if label else ""
    name = getattr(ward, "name", "this ward")
    if window.first is None:
        return (
            f"{prefix}{name} has no coaching start date yet, so its data window (from 12 months "
            f"before coaching starts to {month_label(window.last)}) is not known. Ask the "
            f"programme team to record when coaching starts."
        )
    if window.contains(period):
        return None
    if period > window.last:
        reason = (
            "that month has not ended yet"
            if period == month_start(today)
            else "that month is in the future"
        )
    else:
        reason = "that is before the ward's 12-month baseline began"
    return (
        f"{label or month_label(period)}: not accepted, because {reason}. "
        f"{name} can enter data for months {window.label}."
    )


def submission_deadline(period: date) -> date:
    """The last day on which a month's data is still expected (day N of the next month)."""
    following = add_months(period, 1)
    day = min(deadline_day(), calendar.monthrange(following.year, following.month)[1])
    return following.replace(day=day)


def counts_above_ward(period: date, *, today: date) -> bool:
    """Whether a month may enter organisation, region and national figures yet: it has ended and
    its submission deadline has passed."""
    return today > submission_deadline(period)


def latest_reportable_month(today: date) -> date:
    """The latest month whose submission deadline has passed."""
    month = last_closed_month(today)
    while not counts_above_ward(month, today=today):
        month = add_months(month, -1)
    return month
