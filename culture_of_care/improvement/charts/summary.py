"""What a chart says in words: the plain-English summary and the data table.

The sentence is chosen from the latest point's rule identifier (``spc.RuleKind``), never from
the wording of a label. Pure: no Django, no ORM.
"""

from __future__ import annotations

from typing import Any

from culture_of_care.improvement import spc
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.results import Chart, ChartPoint


def cause_words(point: ChartPoint) -> str:
    return labels.CAUSE_WORDS.get(point.special_cause, labels.CAUSE_WORDS["neither"])


def _since(chart: Chart, group: int) -> str:
    """The label of the first point of a calculation period."""
    return next(p.label for p in chart.points if p.group == group)


def chart_summary(chart: Chart) -> str:
    """One or two sentences a ward team can read out: what the latest data says."""
    latest = chart.latest
    if latest is None:
        return chart.error or "No data has been entered for this measure yet."
    frequency = chart.measure.frequency
    points = chart.valued_points
    since = _since(chart, latest.group)
    centre = "median" if chart.chart_type == "run" else "average"
    value_text = f"{latest.label}, {chart.fmt(latest.value)}"
    one = labels.units(frequency, 1)
    sentences = []
    if latest.is_signal:
        side = spc.rule_side(latest.rule)
        higher = "higher" if side > 0 else "lower"
        above = "above" if side > 0 else "below"
        limit = "upper" if side > 0 else "lower"
        cause = cause_words(latest)
        kind = spc.rule_kind(latest.rule)
        if kind == spc.RuleKind.OUTSIDE_LIMITS:
            sentences.append(
                f"The latest {one} ({value_text}) is {above} the {limit} limit: {cause}."
            )
        elif kind == spc.RuleKind.TREND:
            run = _trailing(points, lambda p: p.rule == latest.rule)
            sentences.append(
                f"The last {run} {labels.units(frequency, run)} have each been {higher} than "
                f"the one before: {cause}."
            )
        elif kind == spc.RuleKind.TWO_IN_THREE:
            sentences.append(
                f"Two of the last three {labels.units(frequency, 3)} are close to the {limit} "
                f"limit: {cause}."
            )
        else:
            # A shift is every latest point on that side of the centre line, whichever rule
            # R's precedence named for each of them (a 2-in-3 can sit inside a shift).
            run = _trailing(
                points,
                lambda p: (
                    p.special_cause == latest.special_cause
                    and p.mean is not None
                    and (p.value - p.mean) * side > 0
                ),
            )
            sentences.append(
                f"The last {run} {labels.units(frequency, run)} are {above} the {centre} since "
                f"{since}: {cause}."
            )
    else:
        earlier = [p for p in points if p.group == latest.group and p.is_signal]
        sentences.append(
            f"The latest {one} ({value_text}) shows no special cause: "
            f"common cause variation since {since}."
        )
        if earlier:
            n = len(earlier)
            sentences.append(
                f"Earlier in this period {n} {labels.units(frequency, n)} showed special cause "
                f"variation."
            )
    if (
        chart.chart_type == "xmr"
        and latest.lower_limit is not None
        and latest.upper_limit is not None
    ):
        lower = chart.display_lower(latest.lower_limit)
        sentences.append(
            f"If nothing changes, expect values between {chart.fmt(lower)} and "
            f"{chart.fmt(chart.display_upper(latest.upper_limit))} around an {centre} of "
            f"{chart.fmt(latest.mean)}."
        )
    if chart.assurance and chart.target is not None:
        target = chart.fmt(chart.target)
        if chart.assurance == "pass":
            sentences.append(f"The target of {target} is consistently met.")
        elif chart.assurance == "fail":
            sentences.append(f"The target of {target} will not be met unless the process changes.")
        else:
            sentences.append(
                f"The target of {target} lies between the limits, so it will be met in some "
                f"{labels.units(frequency, 2)} and missed in others (hit and miss)."
            )
    return " ".join(sentences)


def _trailing(points: list[ChartPoint], condition: Any) -> int:
    """How many of the latest points in a row meet ``condition``."""
    run = 0
    for point in reversed(points):
        if not condition(point):
            break
        run += 1
    return run


def table_rows(chart: Chart) -> list[dict[str, Any]]:
    """The data table: every number on the chart, formatted."""
    rows = []
    for p in chart.points:
        rows.append(
            {
                "point": p,
                "label": p.label,
                "value": chart.fmt(p.value) if p.value is not None else "No value",
                "numerator": labels.format_count(p.numerator),
                "denominator": labels.format_count(p.denominator),
                "mean": chart.fmt(p.mean),
                "lower": chart.fmt(chart.display_lower(p.lower_limit)),
                "upper": chart.fmt(chart.display_upper(p.upper_limit)),
                "trajectory": chart.fmt(p.trajectory),
                "signal": (
                    f"{cause_words(p).capitalize()}: {p.rule_label.lower()}"
                    if p.is_signal
                    else "None"
                ),
                "notes": p.notes,
            }
        )
    return rows
