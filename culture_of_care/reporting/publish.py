"""Small-number suppression for every dashboard figure below national level, in one place.

Pages and exports both call these, so a table and its CSV hide the same cells. The rules and
thresholds are the one suppression module (``culture_of_care.suppression``, reading
``settings.SUPPRESSION``); this is the only reporting module that imports it.
"""

from __future__ import annotations

from culture_of_care import suppression as _suppression

SUPPRESSED = _suppression.SUPPRESSED


def rules() -> _suppression.Rules:
    return _suppression.Rules.from_settings()


def count(value: float | None, *, national: bool = False) -> str:
    """A count as shown: exact nationally, ``*`` or rounded below national level."""
    if value is None:
        return ""
    if national:
        return f"{value:,.0f}"
    return _suppression.show_count(value, rules())


def rate_hidden(numerator: float, denominator: float, *, bed_days: bool) -> bool:
    """Whether a rate below national level must be hidden (too few events or bed days)."""
    return _suppression.rate_is_suppressed(numerator, denominator, bed_days=bed_days, rules=rules())


def people_shown(total: int, *parts: int) -> bool:
    """Whether figures about people (executives) may be shown: enough people behind each."""
    return _suppression.people_figures_shown(total, *parts, rules=rules())
