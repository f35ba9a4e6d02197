"""Small-number suppression and rate ratios for the equity view, in plain Python (no Django).

The MHSDS publication rules the programme follows below national level (DOMAIN.md, "Equity"):

* a count under ``min_count`` (5; zero included) is shown as ``*``; other counts are rounded to
  the nearest ``round_to`` (5);
* a rate is suppressed when its numerator or denominator is under ``min_count``, and a rate per
  1,000 occupied bed days also when the bed days are under ``min_bed_days`` (100);
* secondary suppression: when a total is shown and exactly one part of it is hidden, the next
  smallest part is hidden too, so the hidden cell cannot be recovered as total minus the rest.
  A part hidden this way also loses its rate (rate x bed days would give the count back).

Rates are worked out on the unrounded counts; only what is displayed is rounded or hidden.
Thresholds are passed in (``settings.SUPPRESSION`` in the app), so the rules are testable alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESSED = "*"
# z for a two-sided 95% confidence interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Rules:
    min_count: int = 5
    round_to: int = 5
    min_bed_days: int = 100


DEFAULT_RULES = Rules()


def round_half_up(value: float, step: int) -> int:
    """Round to the nearest multiple of ``step``, halves upwards (12.5 -> 15, not banker's 10)."""
    if step <= 1:
        return int(math.floor(value + 0.5))
    return int(math.floor(value / step + 0.5)) * step


def count_display(count: float, rules: Rules = DEFAULT_RULES) -> str:
    """A count as published: ``*`` under the threshold, otherwise rounded (``1,235``)."""
    if count < rules.min_count:
        return SUPPRESSED
    return f"{round_half_up(count, rules.round_to):,}"


def rate(numerator: float, denominator: float, multiplier: float = 1000) -> float | None:
    """``numerator / denominator x multiplier``, or None without a denominator."""
    if not denominator:
        return None
    return numerator / denominator * multiplier


def rate_is_suppressed(
    numerator: float, denominator: float, *, bed_days: bool = True, rules: Rules = DEFAULT_RULES
) -> bool:
    """Whether a rate must be hidden (numerator or denominator small, or too few bed days)."""
    if numerator < rules.min_count or denominator < rules.min_count:
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
    hidden = [c < rules.min_count for c in counts]
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
    primary = [c < rules.min_count for c in counts]
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
                numerator=SUPPRESSED if hidden[i] else count_display(g.numerator, rules),
                denominator=count_display(g.denominator, rules),
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
        numerator=count_display(total_num, rules),
        denominator=count_display(total_den, rules),
        rate=total_rate,
        rate_ratio=None,
        suppressed=total_num < rules.min_count,
        secondary=False,
        is_reference=False,
    )
    return EquityTable(
        rows=tuple(rows),
        total=total,
        reference_code=reference_code,
        reference_rate_shown=reference_shown,
    )
