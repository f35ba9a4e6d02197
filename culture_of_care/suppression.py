"""The one small-number rule: every figure shown below national level passes through here.

Used by the charts and the equity view, risk audits, coaching counts and every export
(DESIGN.md 3b). Plain Python: nothing of Django is imported at module level, and the thresholds
are a ``Rules`` value (``Rules.from_settings()`` reads ``settings.SUPPRESSION``), so the rules are
testable alone and one setting moves every figure.

The MHSDS publication rules the programme follows below national level (DOMAIN.md, "Small
numbers"):

* a count under ``min_count`` (5; zero included) is shown as ``*``; other counts are rounded to
  the nearest ``round_to`` (5);
* a rate is suppressed when its numerator or denominator is under ``min_count``, and a rate per
  1,000 occupied bed days also when the bed days are under ``min_bed_days`` (100);
* secondary suppression: when a total is shown and exactly one part of it is hidden, the next
  smallest part is hidden too, so the hidden cell cannot be recovered as total minus the rest.
  A part hidden this way also loses its rate (rate x bed days would give the count back);
* a percentage is suppressed when its numerator or denominator is under ``min_count``;
* anything about executives: no figure with fewer than ``people_floor`` people behind it
  (``min_people``, by default the same as ``min_count``).

Rates are worked out on the unrounded counts; only what is displayed is rounded or hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

SUPPRESSED = "*"
# z for a two-sided 95% confidence interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds (the programme's settings, ``settings.SUPPRESSION``)."""

    min_count: int = 5
    round_to: int = 5
    min_bed_days: int = 100
    # The executives' floor: people behind any figure about executives (None: ``min_count``).
    min_people: int | None = None

    @classmethod
    def from_settings(cls, values: Mapping[str, Any] | None = None) -> Rules:
        """The rules in force: ``settings.SUPPRESSION`` (or ``values``); unknown keys ignored."""
        if values is None:
            from django.conf import settings

            values = settings.SUPPRESSION
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in known})

    @property
    def people_floor(self) -> int:
        return self.min_count if self.min_people is None else self.min_people


DEFAULT_RULES = Rules()


def round_half_up(value: float, step: int) -> int:
    """Round to the nearest multiple of ``step``, halves upwards (12.5 -> 15, not banker's 10)."""
    if step <= 1:
        return int(math.floor(value + 0.5))
    return int(math.floor(value / step + 0.5)) * step


def is_small(count: float, rules: Rules = DEFAULT_RULES) -> bool:
    """Whether a count is under the threshold (zero included)."""
    return count < rules.min_count


def show_count(count: float, rules: Rules = DEFAULT_RULES) -> str:
    """A count as published: ``*`` under the threshold, otherwise rounded (``1,235``)."""
    if is_small(count, rules):
        return SUPPRESSED
    return f"{round_half_up(count, rules.round_to):,}"


def show_percentage(
    numerator: float, denominator: float, rules: Rules = DEFAULT_RULES, places: int = 0
) -> str:
    """A percentage as published, or ``*`` when either part is small."""
    if denominator <= 0 or is_small(numerator, rules) or is_small(denominator, rules):
        return SUPPRESSED
    return f"{100 * numerator / denominator:.{places}f}%"


def publishable_pair(
    numerator: int, denominator: int, rules: Rules = DEFAULT_RULES
) -> tuple[int, int] | None:
    """Rounded counts safe to plot, or None when the point must not be shown."""
    if is_small(numerator, rules) or is_small(denominator, rules):
        return None
    return round_half_up(numerator, rules.round_to), round_half_up(denominator, rules.round_to)


def people_figures_shown(total: int, *parts: int, rules: Rules = DEFAULT_RULES) -> bool:
    """Whether figures about people (executives) may be shown: the total, each part and what
    is left of the total (unless nothing is) all have at least ``people_floor`` people."""
    floor = rules.people_floor
    rest = total - sum(parts)
    return total >= floor and all(part >= floor for part in parts) and (rest == 0 or rest >= floor)


def rate(numerator: float, denominator: float, multiplier: float = 1000) -> float | None:
    """``numerator / denominator x multiplier``, or None without a denominator."""
    if not denominator:
        return None
    return numerator / denominator * multiplier


def rate_is_suppressed(
    numerator: float, denominator: float, *, bed_days: bool = True, rules: Rules = DEFAULT_RULES
) -> bool:
    """Whether a rate must be hidden (numerator or denominator small, or too few bed days)."""
    if is_small(numerator, rules) or is_small(denominator, rules):
        return True
    return bed_days and denominator < rules.min_bed_days


@dataclass(frozen=True, slots=True)
class RateRatio:
    """A rate ratio against a reference group with its 95% confidence interval (log method)."""

    ratio: float
    lower: float
    upper: float


def rate_ratio(
    numerator: float, denominator: float, ref_numerator: float, ref_denominator: float
) -> RateRatio | None:
    """(a/n_a) / (b/n_b) with a 95% CI exp(ln RR +/- 1.96 sqrt(1/a + 1/b)).

    None when either rate is undefined or either count is zero (no ratio, or an infinite one).
    """
    if not (numerator and denominator and ref_numerator and ref_denominator):
        return None
    ratio = (numerator / denominator) / (ref_numerator / ref_denominator)
    spread = Z_95 * math.sqrt(1 / numerator + 1 / ref_numerator)
    log_ratio = math.log(ratio)
    return RateRatio(ratio, math.exp(log_ratio - spread), math.exp(log_ratio + spread))


@dataclass(frozen=True, slots=True)
class GroupInput:
    code: str
    name: str
    numerator: float
    denominator: float


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One group's row as displayed: strings for the counts, None for a hidden number."""

    code: str
    name: str
    numerator: str
    denominator: str
    rate: float | None
    rate_ratio: RateRatio | None
    suppressed: bool  # the count is hidden (primary or secondary)
    secondary: bool  # hidden only so that another hidden count cannot be recovered
    is_reference: bool


@dataclass(frozen=True, slots=True)
class EquityTable:
    rows: tuple[GroupRow, ...]
    total: GroupRow
    reference_code: str
    reference_rate_shown: bool


def secondary_suppress(counts: Sequence[float], rules: Rules = DEFAULT_RULES) -> list[bool]:
    """Which parts of a shown total to hide: primary (under the threshold) plus secondary.

    When exactly one part is hidden by the threshold, the smallest remaining part (ties: the
    first) is hidden as well. Two or more hidden parts protect each other.
    """
    hidden = [is_small(c, rules) for c in counts]
    if sum(hidden) == 1:
        candidates = [(c, i) for i, c in enumerate(counts) if not hidden[i]]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def equity_table(
    groups: Sequence[GroupInput],
    *,
    reference_code: str = "white",
    multiplier: float = 1000,
    bed_days: bool = True,
    rules: Rules = DEFAULT_RULES,
) -> EquityTable:
    """Rates by group with rate ratios against ``reference_code``, suppressed for publication.

    The total row is the sum of the groups. A group's rate is hidden when its count is hidden
    (primary or secondary) or when the rate rule applies; its rate ratio is hidden when either
    its own or the reference group's rate is hidden.
    """
    counts = [g.numerator for g in groups]
    hidden = secondary_suppress(counts, rules)
    primary = [is_small(c, rules) for c in counts]
    rates: list[float | None] = []
    for g, is_hidden in zip(groups, hidden, strict=True):
        shown = not is_hidden and not rate_is_suppressed(
            g.numerator, g.denominator, bed_days=bed_days, rules=rules
        )
        rates.append(rate(g.numerator, g.denominator, multiplier) if shown else None)

    reference = next((i for i, g in enumerate(groups) if g.code == reference_code), None)
    reference_shown = reference is not None and rates[reference] is not None

    rows = []
    for i, g in enumerate(groups):
        ratio = None
        if reference_shown and rates[i] is not None and i != reference:
            ref = groups[reference]
            ratio = rate_ratio(g.numerator, g.denominator, ref.numerator, ref.denominator)
        rows.append(
            GroupRow(
                code=g.code,
                name=g.name,
                numerator=SUPPRESSED if hidden[i] else show_count(g.numerator, rules),
                denominator=show_count(g.denominator, rules),
                rate=rates[i],
                rate_ratio=ratio,
                suppressed=hidden[i],
                secondary=hidden[i] and not primary[i],
                is_reference=i == reference,
            )
        )

    total_num = math.fsum(counts)
    total_den = math.fsum(g.denominator for g in groups)
    total_rate = (
        None
        if rate_is_suppressed(total_num, total_den, bed_days=bed_days, rules=rules)
        else rate(total_num, total_den, multiplier)
    )
    total = GroupRow(
        code="",
        name="All groups",
        numerator=show_count(total_num, rules),
        denominator=show_count(total_den, rules),
        rate=total_rate,
        rate_ratio=None,
        suppressed=is_small(total_num, rules),
        secondary=False,
        is_reference=False,
    )
    return EquityTable(
        rows=tuple(rows),
        total=total,
        reference_code=reference_code,
        reference_rate_shown=reference_shown,
    )
