"""Month and quarter arithmetic, the one copy (pure Python).

Data are monthly (a period is the first day of its month); risk work counts quarters of three
calendar months from 1 January, April, July or October, so they line up with the NHS financial
year, which starts in April.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

MONTHS = [calendar.month_name[number] for number in range(1, 13)]


# --- Months ---------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or, negative, before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(day: date) -> str:
    """``March 2026``."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def days_in_month(period: date) -> int:
    return calendar.monthrange(period.year, period.month)[1]


def last_months(count: int, today: date) -> list[date]:
    """The first days of the last ``count`` months, oldest first (this month last)."""
    this_month = month_start(today)
    return [add_months(this_month, offset) for offset in range(1 - count, 1)]


# --- Quarters -------------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(quarter: date) -> date:
    return add_months(quarter_start(quarter), 3)


def previous_quarter(quarter: date) -> date:
    return add_months(quarter_start(quarter), -3)


def quarter_end(quarter: date) -> date:
    return next_quarter(quarter) - timedelta(days=1)


def recent_quarters(today: date, count: int = 4) -> list[date]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    return [add_months(quarter_start(today), -3 * back) for back in range(count)]


def quarter_label(quarter: date) -> str:
    """``April to June 2026``."""
    start = quarter_start(quarter)
    return f"{MONTHS[start.month - 1]} to {MONTHS[start.month + 1]} {start.year}"


def quarter_short_label(quarter: date) -> str:
    """``Apr-Jun 2026`` for chart axes and narrow tables."""
    start = quarter_start(quarter)
    return f"{MONTHS[start.month - 1][:3]}-{MONTHS[start.month + 1][:3]} {start.year}"
