"""The small-number rules (DOMAIN.md, "Small numbers"), for audit results shown beyond the
organisation that entered them. Pure Python: the thresholds are passed in (from
``settings.SUPPRESSION``) so the rules are easy to test.

A count under ``min_count`` (zero included) shows as ``*``; other counts are rounded to the
nearest ``round_to``; a percentage is suppressed when its numerator or denominator is under
``min_count``.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPRESSED = "*"


@dataclass(frozen=True)
class Rules:
    min_count: int = 5
    round_to: int = 5

    @classmethod
    def from_settings(cls, values: dict[str, int]) -> Rules:
        return cls(min_count=values.get("min_count", 5), round_to=values.get("round_to", 5))


def round_count(value: int, rules: Rules) -> int:
    """Round to the nearest ``round_to``, halves up (so 12.5 is never "banker's" 10)."""
    step = rules.round_to
    if step <= 1:
        return int(value)
    return int((value + step / 2) // step * step)


def is_small(value: int, rules: Rules) -> bool:
    return value < rules.min_count


def show_count(value: int, rules: Rules) -> str:
    """The count as it may be published: ``*`` or a rounded number."""
    if is_small(value, rules):
        return SUPPRESSED
    return str(round_count(value, rules))


def show_percentage(numerator: int, denominator: int, rules: Rules, places: int = 0) -> str:
    """The percentage as it may be published, or ``*`` when either part is small."""
    if denominator <= 0 or is_small(numerator, rules) or is_small(denominator, rules):
        return SUPPRESSED
    return f"{100 * numerator / denominator:.{places}f}%"


def publishable_pair(numerator: int, denominator: int, rules: Rules) -> tuple[int, int] | None:
    """Rounded counts safe to plot, or None when the point must not be shown."""
    if is_small(numerator, rules) or is_small(denominator, rules):
        return None
    return round_count(numerator, rules), round_count(denominator, rules)
