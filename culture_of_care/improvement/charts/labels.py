"""The words and number formats of every chart: variation and assurance labels, the rule names
people read, period labels and units. Pure: no Django, no ORM."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from culture_of_care.improvement import spc

# Measure kinds and frequencies, as stored (``MeasureKind``/``Frequency`` values in models.py).
COUNT = "count"
RATE = "rate"
PERCENTAGE = "percentage"
MEAN = "mean"
WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"  # risk audits: not a Measure frequency, but charted the same way

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement: higher values",
    "improvement_low": "Special cause improvement: lower values",
    "concern_high": "Special cause concern: higher values",
    "concern_low": "Special cause concern: lower values",
    "neutral_high": "Special cause variation (neither improvement nor concern): higher values",
    "neutral_low": "Special cause variation (neither improvement nor concern): lower values",
}
VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Neither (high)",
    "neutral_low": "Neither (low)",
}
# The letter each MDC icon carries, so the meaning never rests on colour alone.
VARIATION_LETTERS = {
    "common_cause": "",
    "improvement_high": "H",
    "improvement_low": "L",
    "concern_high": "H",
    "concern_low": "L",
    "neutral_high": "H",
    "neutral_low": "L",
}
ASSURANCE_LABELS = {
    "pass": "Consistently passes the target",
    "fail": "Consistently fails the target",
    "inconsistent": "Hit and miss: the target may or may not be met",
}
ASSURANCE_SHORT = {"pass": "Pass", "fail": "Fail", "inconsistent": "Hit and miss"}
ASSURANCE_LETTERS = {"pass": "P", "fail": "F", "inconsistent": "?"}
# Sort keys: concern first when sorting by variation, then improvement, neutral, common.
VARIATION_ORDER = {
    "concern_high": 0,
    "concern_low": 0,
    "improvement_high": 1,
    "improvement_low": 1,
    "neutral_high": 2,
    "neutral_low": 2,
    "common_cause": 3,
}
ASSURANCE_ORDER = {"fail": 0, "inconsistent": 1, "pass": 2}

RULE_LABELS: dict[str, str] = {
    spc.Rule.ABOVE_UCL: "Above the upper limit",
    spc.Rule.BELOW_LCL: "Below the lower limit",
    spc.Rule.TREND_INCREASING: "Rising trend of 7 or more",
    spc.Rule.TREND_DECREASING: "Falling trend of 7 or more",
    spc.Rule.TWO_IN_THREE_ABOVE: "2 of 3 close to the upper limit",
    spc.Rule.TWO_IN_THREE_BELOW: "2 of 3 close to the lower limit",
    spc.Rule.SHIFT_ABOVE: "7 or more in a row above the average",
    spc.Rule.SHIFT_BELOW: "7 or more in a row below the average",
    spc.Rule.COMMON_CAUSE: "",
    spc.Rule.RUN_TREND_INCREASING: "Rising trend of 5 or more",
    spc.Rule.RUN_TREND_DECREASING: "Falling trend of 5 or more",
    spc.Rule.RUN_SHIFT_ABOVE: "6 or more in a row above the median",
    spc.Rule.RUN_SHIFT_BELOW: "6 or more in a row below the median",
    spc.Rule.RUN_NO_SIGNAL: "",
}
CHART_NAMES = {
    "xmr": "XmR chart (Making Data Count)",
    "p": "p-chart (percentages with varying denominators)",
    "u": "u-chart (rates with varying denominators)",
    "run": "Run chart (IHI rules)",
}
# What each kind of special cause is called, in a sentence and in a legend.
CAUSE_WORDS = {
    "improvement": "special cause improvement",
    "concern": "special cause concern",
    "neither": "special cause variation (neither improvement nor concern)",
}
SIGNAL_LEGEND = {
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neutral": "Special cause: neither",
}


def rule_label(rule: str) -> str:
    """The rule a person reads ("Above the upper limit"), for a rule identifier."""
    return RULE_LABELS.get(rule, rule)


def format_value(value: float | None, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == PERCENTAGE:
        return f"{value:,.1f}%"
    if kind == COUNT:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.2f}"


def format_count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def period_label(period: date, frequency: str = MONTHLY) -> str:
    if frequency == WEEKLY:
        return f"week of {period.day} {period:%B %Y}"
    return f"{period:%B %Y}"


def short_period_label(period: date, frequency: str = MONTHLY) -> str:
    if frequency == WEEKLY:
        return f"{period.day} {period:%b}"
    return f"{period:%b %y}"


def units(frequency: str, n: int) -> str:
    """'month' or 'months' (week, quarter) for ``n`` periods."""
    word = {WEEKLY: "week", QUARTERLY: "quarter"}.get(frequency, "month")
    return word if n == 1 else f"{word}s"


def measure_unit(measure: Any) -> str:
    """'%', 'per 1,000 occupied bed days', or '' for a plain count."""
    if measure.kind == PERCENTAGE:
        return "%"
    if measure.kind in (RATE, MEAN) and measure.multiplier not in (0, 1):
        per = f"{measure.multiplier.normalize():,f}" if measure.multiplier else ""
        label = (measure.denominator_label or "").strip()
        label = label[:1].lower() + label[1:]
        return f"per {per} {label}".strip()
    return ""
