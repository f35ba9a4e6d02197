"""Quarters, as the risk programme counts them: three calendar months from 1 January, April,
July or October (so they line up with the NHS financial year, which starts in April)."""

from __future__ import annotations

from datetime import date, timedelta

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(quarter: date) -> date:
    start = quarter_start(quarter)
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(quarter: date) -> date:
    return quarter_start(quarter_start(quarter) - timedelta(days=1))


def quarter_end(quarter: date) -> date:
    return next_quarter(quarter) - timedelta(days=1)


def recent_quarters(today: date, count: int = 4) -> list[date]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    quarters = [quarter_start(today)]
    while len(quarters) < count:
        quarters.append(previous_quarter(quarters[-1]))
    return quarters


def quarter_label(quarter: date) -> str:
    """``April to June 2026``."""
    start = quarter_start(quarter)
    return f"{MONTHS[start.month - 1]} to {MONTHS[start.month + 1]} {start.year}"


def quarter_short_label(quarter: date) -> str:
    """``Apr-Jun 2026`` for chart axes and narrow tables."""
    start = quarter_start(quarter)
    return f"{MONTHS[start.month - 1][:3]}-{MONTHS[start.month + 1][:3]} {start.year}"
