"""Small-number suppression for every dashboard figure below national level, in one place.

Pages and exports both call these, so a table and its CSV hide the same cells. The rules and
thresholds are the improvement app's suppression module and ``settings.SUPPRESSION``; this is the
only reporting module that imports it (it is being reshaped into the one suppression module).
"""

from __future__ import annotations

from django.conf import settings

from culture_of_care.improvement import suppression as _suppression

SUPPRESSED = _suppression.SUPPRESSED


def rules() -> _suppression.Rules:
    return _suppression.Rules(**settings.SUPPRESSION)


def count(value: float | None, *, national: bool = False) -> str:
    """A count as shown: exact nationally, ``*`` or rounded below national level."""
    if value is None:
        return ""
    if national:
        return f"{value:,.0f}"
    return _suppression.count_display(value, rules())


def rate_hidden(numerator: float, denominator: float, *, bed_days: bool) -> bool:
    """Whether a rate below national level must be hidden (too few events or bed days)."""
    return _suppression.rate_is_suppressed(numerator, denominator, bed_days=bed_days, rules=rules())
