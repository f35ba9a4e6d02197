"""Statistical process control for the programme's charts, in plain Python (no Django, no numpy).

Three charts, each specified in ``SPC.md``:

* :func:`xmr` - NHS England's Making Data Count XmR chart with its four rules, variation and
  assurance icons, reproducing NHSRplotthedots v0.2.2 (the reference implementation).
* :func:`p_chart` and :func:`u_chart` - 3-sigma attribute charts with a limit per point for
  varying denominators (the qicharts2 formulas), judged by the same four MDC rules.
* :func:`run_chart` - the IHI run-chart rules (shift of 6, trend of 5, too few or too many runs).

``screen_outliers`` defaults to True, as in NHSRplotthedots: before the limits are drawn, moving
ranges of 3.267 x the average moving range or more are dropped once, so one wild month does not
widen the limits it is then judged against. The MDC Excel tools do not screen; pass
``screen_outliers=False`` to reproduce them.

Values are taken in time order: callers sort by period and pass one value per period, with no
gaps and no missing values (R leaves missing values undefined, so they are rejected here).
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Improvement = Literal["increase", "decrease", "neutral"]

# NHSRplotthedots constants (ptd_spc_standard.R). The near-limit constant is computed the way R
# computes it so that a point exactly on a 2-sigma line is classified as R classifies it.
LIMIT = 2.66
NEAR_LIMIT = 2 * (LIMIT / 3)
SCREEN_FACTOR = 3.267
# fix_after_n_points must be at least 12 (ptd_spc_options.R).
MIN_FIX_AFTER = 12
# A period with fewer points than this has trial limits: R's code default
# (ptd_spc.warning_threshold = 13), so periods of 12 or fewer points are flagged.
SHORT_GROUP_THRESHOLD = 13
# Attribute charts are 3-sigma, with 2-sigma lines marking the "close to a limit" zone.
ATTRIBUTE_SIGMAS = 3.0
ATTRIBUTE_NEAR_SIGMAS = 2.0


class Rule(StrEnum):
    """The rule a point fires, as an identifier. The values are NHSRplotthedots'
    ``special_cause_type`` labels (and the IHI run-chart ones), so they compare equal to the
    strings stored in ``Signal.rule`` and to what R writes."""

    ABOVE_UCL = "Above UCL"
    BELOW_LCL = "Below LCL"
    TREND_INCREASING = "7 Point Trend (Increasing)"
    TREND_DECREASING = "7 Point Trend (Decreasing)"
    TWO_IN_THREE_ABOVE = "2 in 3 Above CL"
    TWO_IN_THREE_BELOW = "2 in 3 Below CL"
    SHIFT_ABOVE = "7 Points Above CL"
    SHIFT_BELOW = "7 Points Below CL"
    COMMON_CAUSE = "Common Cause"
    # IHI run-chart rules.
    RUN_TREND_INCREASING = "5 Point Trend (Increasing)"
    RUN_TREND_DECREASING = "5 Point Trend (Decreasing)"
    RUN_SHIFT_ABOVE = "6 Points Above Median"
    RUN_SHIFT_BELOW = "6 Points Below Median"
    RUN_NO_SIGNAL = "No Signal"


class RuleKind(StrEnum):
    """What kind of evidence a rule is: what a plain-English summary says about it."""

    NONE = "none"
    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_IN_THREE = "two_in_three"
    SHIFT = "shift"


ABOVE_UCL = Rule.ABOVE_UCL
BELOW_LCL = Rule.BELOW_LCL
TREND_INCREASING = Rule.TREND_INCREASING
TREND_DECREASING = Rule.TREND_DECREASING
TWO_IN_THREE_ABOVE = Rule.TWO_IN_THREE_ABOVE
TWO_IN_THREE_BELOW = Rule.TWO_IN_THREE_BELOW
SHIFT_ABOVE = Rule.SHIFT_ABOVE
SHIFT_BELOW = Rule.SHIFT_BELOW
COMMON_CAUSE = Rule.COMMON_CAUSE
RUN_TREND_INCREASING = Rule.RUN_TREND_INCREASING
RUN_TREND_DECREASING = Rule.RUN_TREND_DECREASING
RUN_SHIFT_ABOVE = Rule.RUN_SHIFT_ABOVE
RUN_SHIFT_BELOW = Rule.RUN_SHIFT_BELOW
RUN_NO_SIGNAL = Rule.RUN_NO_SIGNAL

# Which side of the centre line each rule points to (ptd_point_type), and what kind it is.
RULE_SIDE: dict[str, int] = {
    Rule.ABOVE_UCL: 1,
    Rule.TREND_INCREASING: 1,
    Rule.TWO_IN_THREE_ABOVE: 1,
    Rule.SHIFT_ABOVE: 1,
    Rule.RUN_TREND_INCREASING: 1,
    Rule.RUN_SHIFT_ABOVE: 1,
    Rule.BELOW_LCL: -1,
    Rule.TREND_DECREASING: -1,
    Rule.TWO_IN_THREE_BELOW: -1,
    Rule.SHIFT_BELOW: -1,
    Rule.RUN_TREND_DECREASING: -1,
    Rule.RUN_SHIFT_BELOW: -1,
    Rule.COMMON_CAUSE: 0,
    Rule.RUN_NO_SIGNAL: 0,
}
RULE_KIND: dict[str, RuleKind] = {
    Rule.ABOVE_UCL: RuleKind.OUTSIDE_LIMITS,
    Rule.BELOW_LCL: RuleKind.OUTSIDE_LIMITS,
    Rule.TREND_INCREASING: RuleKind.TREND,
    Rule.TREND_DECREASING: RuleKind.TREND,
    Rule.RUN_TREND_INCREASING: RuleKind.TREND,
    Rule.RUN_TREND_DECREASING: RuleKind.TREND,
    Rule.TWO_IN_THREE_ABOVE: RuleKind.TWO_IN_THREE,
    Rule.TWO_IN_THREE_BELOW: RuleKind.TWO_IN_THREE,
    Rule.SHIFT_ABOVE: RuleKind.SHIFT,
    Rule.SHIFT_BELOW: RuleKind.SHIFT,
    Rule.RUN_SHIFT_ABOVE: RuleKind.SHIFT,
    Rule.RUN_SHIFT_BELOW: RuleKind.SHIFT,
    Rule.COMMON_CAUSE: RuleKind.NONE,
    Rule.RUN_NO_SIGNAL: RuleKind.NONE,
}


def rule_side(rule: str) -> int:
    """+1 if the rule points above the centre line, -1 below, 0 for no signal (or no rule)."""
    return RULE_SIDE.get(rule, 0)


def rule_kind(rule: str) -> RuleKind:
    """The kind of a rule (outside the limits, trend, 2 in 3, shift); NONE for no signal."""
    return RULE_KIND.get(rule, RuleKind.NONE)


RUN_SHIFT_LENGTH = 6
RUN_TREND_LENGTH = 5
RUNS_TEST_MIN_USEFUL = 10

# Perla, Provost & Murray 2011, Table 1: useful observations -> (lower, upper) number of runs.
# Only the rows confirmed against a second source (IHI QI 104) are shipped. SPC.md lists
# believed values for 16 to 30 as unverified; add rows here only once they are checked against
# the paper. Outside the table the runs test is reported as not assessed (None).
RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
}

_DIRECTIONS: dict[str, int] = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One period on an XmR, p- or u-chart.

    ``value``, ``mean`` and the limits are in display units (a u-chart's are multiplied by its
    multiplier). ``value`` is None only on an attribute chart whose denominator is 0 for that
    period; such a point has no limits and takes no part in the rules. ``lower_limit`` and
    ``upper_limit`` are None where they are undefined (an XmR period with no usable moving
    range). ``rule`` is NHSRplotthedots' ``special_cause_type``; ``special_cause`` is the
    three-way summary ("improvement", "concern" or "neither"; neutral measures always give
    "neither", with high or low told apart by ``point_type``). ``period`` is the 0-based index
    of the rebase period the point belongs to.
    """

    value: float | None
    mean: float
    lower_limit: float | None
    upper_limit: float | None
    outside_limits: bool
    relative_to_mean: int
    close_to_limits: bool
    rule: str
    point_type: str
    special_cause: str
    short_group_warning: bool
    period: int
    numerator: float | None = None
    denominator: float | None = None

    @property
    def special_cause_flag(self) -> bool:
        return self.rule != COMMON_CAUSE


@dataclass(frozen=True, slots=True)
class SpcPeriod:
    """One rebase period: points ``start`` up to (not including) ``stop``.

    ``mr_bar`` is the (screened) average moving range of an XmR chart, None on attribute charts
    and where it is undefined. ``variation`` is the icon taken from the period's last point, as
    NHSRplotthedots' summary() reports it.
    """

    start: int
    stop: int
    baseline_points: int
    mean: float
    mr_bar: float | None
    short_group_warning: bool
    variation: str


@dataclass(frozen=True, slots=True)
class SpcResult:
    """A whole chart.

    ``variation`` is one of "common_cause", "improvement_high", "improvement_low",
    "concern_high", "concern_low", "neutral_high", "neutral_low", taken from the latest point.
    ``assurance`` is "pass", "fail", "inconsistent", or None when there is no target or the
    measure is neutral.
    """

    chart: Literal["xmr", "p", "u"]
    improvement: str
    points: tuple[SpcPoint, ...]
    periods: tuple[SpcPeriod, ...]
    variation: str
    assurance: str | None
    target: float | None


@dataclass(frozen=True, slots=True)
class RunChartPoint:
    """One period on a run chart.

    ``relative_to_median`` is -1, 0 or +1; a point on the median (0) is not a useful
    observation. ``shift`` and ``trend`` say whether the point is part of an IHI shift or trend.
    ``point_type`` and ``special_cause`` read as on :class:`SpcPoint`.
    """

    value: float
    median: float
    relative_to_median: int
    useful: bool
    shift: bool
    trend: bool
    rule: str
    point_type: str
    special_cause: str


@dataclass(frozen=True, slots=True)
class RunChartResult:
    """A run chart with the IHI rules applied.

    ``runs_lower_limit`` and ``runs_upper_limit`` come from the published table and are None
    (as are ``too_few_runs`` and ``too_many_runs``) where the table has no verified row for the
    number of useful observations, including fewer than 10. ``variation`` is the MDC variation
    icon from the latest point, as on :class:`SpcResult`.
    """

    improvement: str
    median: float
    points: tuple[RunChartPoint, ...]
    variation: str
    useful_observations: int
    runs: int
    runs_lower_limit: int | None
    runs_upper_limit: int | None
    too_few_runs: bool | None
    too_many_runs: bool | None

    @property
    def shift(self) -> bool:
        return any(point.shift for point in self.points)

    @property
    def trend(self) -> bool:
        return any(point.trend for point in self.points)


# --------------------------------------------------------------------------------------------
# Public charts


def xmr(
    values: Sequence[float],
    *,
    improvement: Improvement,
    rebase_at: Iterable[int] = (),
    fix_after: int | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """The Making Data Count XmR chart, as NHSRplotthedots computes it (SPC.md section 2).

    ``values`` are in time order. ``rebase_at`` holds 0-based indices that start a new period;
    each period gets its own mean, moving ranges, limits and rules. ``fix_after`` freezes each
    period's limits on its first ``fix_after`` points (at least 12); later points are judged
    against them. ``target`` drives the assurance icon.

    Each point's ``rule`` is the first of: "Above UCL"/"Below LCL" (outside the 3-sigma limits),
    "7 Point Trend (Increasing|Decreasing)" (6 strict rises or falls in a row), "2 in 3 Above|
    Below CL" (2 of 3 consecutive points beyond the 2-sigma line, all 3 on one side of the mean),
    "7 Points Above|Below CL" (7 in a row strictly on one side of the mean), else "Common Cause".
    ``special_cause`` is "improvement" or "concern" against ``improvement``, and "neither" for
    common cause and for every special cause on a neutral measure (``point_type`` then says
    "special_cause_neutral_high" or "_low").
    """
    direction = _direction(improvement)
    ys = _finite_list(values, "values")
    if not ys:
        raise ValueError("values must hold at least one number")
    _check_fix_after(fix_after)
    target_value = _optional_finite(target, "target")
    if not isinstance(screen_outliers, bool):
        raise ValueError("screen_outliers must be True or False")

    points: list[SpcPoint] = []
    periods: list[SpcPeriod] = []
    last_limits = (math.nan, math.nan)
    for period, (start, stop) in enumerate(_period_bounds(len(ys), rebase_at)):
        group = ys[start:stop]
        baseline = group if fix_after is None else group[:fix_after]
        mean, mr_bar = _xmr_centre(baseline, screen_outliers)
        lpl = mean - (LIMIT * mr_bar)
        upl = mean + (LIMIT * mr_bar)
        nlpl = mean - (NEAR_LIMIT * mr_bar)
        nupl = mean + (NEAR_LIMIT * mr_bar)
        n = len(group)
        outside, rtm, close, rules = _classify(
            group, mean, [lpl] * n, [upl] * n, [nlpl] * n, [nupl] * n
        )
        short = n < SHORT_GROUP_THRESHOLD
        lower, upper = _defined(lpl), _defined(upl)
        for i in range(n):
            point_type = _point_type(rules[i], direction)
            points.append(
                SpcPoint(
                    value=group[i],
                    mean=mean,
                    lower_limit=lower,
                    upper_limit=upper,
                    outside_limits=outside[i],
                    relative_to_mean=rtm[i],
                    close_to_limits=close[i],
                    rule=rules[i],
                    point_type=point_type,
                    special_cause=_special_cause(point_type),
                    short_group_warning=short,
                    period=period,
                )
            )
        periods.append(
            SpcPeriod(
                start=start,
                stop=stop,
                baseline_points=len(baseline),
                mean=mean,
                mr_bar=_defined(mr_bar),
                short_group_warning=short,
                variation=_variation(points[-1].point_type, direction),
            )
        )
        last_limits = (lpl, upl)

    return SpcResult(
        chart="xmr",
        improvement=improvement,
        points=tuple(points),
        periods=tuple(periods),
        variation=periods[-1].variation,
        assurance=_assurance(target_value, *last_limits, direction),
        target=target_value,
    )


def p_chart(
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    improvement: Improvement,
    rebase_at: Iterable[int] = (),
    fix_after: int | None = None,
    target: float | None = None,
) -> SpcResult:
    """A p-chart of proportions ``numerators[i] / denominators[i]`` (SPC.md section 4).

    The centre line is sum(x) / sum(n) over each period's baseline (its first ``fix_after``
    points, or all of them); each point has its own limits, p +/- 3 sqrt(p(1-p)/n_i) clamped
    to [0, 1]. The MDC rules of :func:`xmr` are applied against the centre line, with the
    2-sigma lines (clamped the same way) as the "close to a limit" zone. Values, limits and
    ``target`` are proportions (0 to 1). A period with a zero denominator has no value and no
    limits and is left out of the rules (neither counting towards nor breaking a run).
    """
    return _attribute_chart(
        "p",
        numerators,
        denominators,
        improvement=improvement,
        rebase_at=rebase_at,
        fix_after=fix_after,
        target=target,
        multiplier=1.0,
    )


def u_chart(
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    improvement: Improvement,
    multiplier: float = 1,
    rebase_at: Iterable[int] = (),
    fix_after: int | None = None,
    target: float | None = None,
) -> SpcResult:
    """A u-chart of rates ``numerators[i] / denominators[i]`` (SPC.md section 4).

    The centre line is sum(c) / sum(n) over each period's baseline; each point has limits
    u +/- 3 sqrt(u/n_i), the lower one clamped at 0. Limits and rules are worked out on the
    unscaled rate, then value, mean and limits are multiplied by ``multiplier`` (1000 for a
    rate per 1,000 occupied bed days); ``target`` is in those multiplied units. The MDC rules
    and zero denominators are handled as in :func:`p_chart`.
    """
    return _attribute_chart(
        "u",
        numerators,
        denominators,
        improvement=improvement,
        rebase_at=rebase_at,
        fix_after=fix_after,
        target=target,
        multiplier=multiplier,
    )


def run_chart(
    values: Sequence[float],
    *,
    improvement: Improvement = "neutral",
    fix_after: int | None = None,
) -> RunChartResult:
    """An IHI run chart (SPC.md section 3).

    The centre line is the median of all values, or of the first ``fix_after`` values when the
    median is frozen on a baseline. Rules, over all points:

    * shift: 6 or more consecutive useful points on one side of the median; points on the
      median are skipped (they neither count nor break the run, and are not flagged);
    * trend: 5 or more points each higher (or lower) than the last, where a repeated value
      counts once (every copy of it is flagged);
    * runs: crossings of the median among useful points + 1, against the published table.

    The astronomical-point rule has no formula and is left to annotation. A point in both a
    trend and a shift is labelled as the trend (as MDC ranks them); a point where a rising and
    a falling trend meet takes the direction of the trend that continues after it.
    ``special_cause`` maps "above"/"increasing" to improvement or concern as in :func:`xmr`.
    """
    direction = _direction(improvement)
    ys = _finite_list(values, "values")
    if not ys:
        raise ValueError("values must hold at least one number")
    if fix_after is not None and (
        isinstance(fix_after, bool) or not isinstance(fix_after, int) or fix_after < 1
    ):
        raise ValueError(f"fix_after must be a positive whole number, got {fix_after!r}")
    baseline = ys if fix_after is None else ys[:fix_after]
    median = statistics.median(baseline)
    side = [_sign(y - median) for y in ys]
    n = len(ys)

    shift_side = [0] * n
    useful = [i for i in range(n) if side[i] != 0]
    run_start = 0
    runs = 0
    for k in range(1, len(useful) + 1):
        if k == len(useful) or side[useful[k]] != side[useful[run_start]]:
            runs += 1
            if k - run_start >= RUN_SHIFT_LENGTH:
                for i in useful[run_start:k]:
                    shift_side[i] = side[i]
            run_start = k

    trend_direction = _run_chart_trends(ys)

    points = []
    for i in range(n):
        if trend_direction[i]:
            rule = RUN_TREND_INCREASING if trend_direction[i] > 0 else RUN_TREND_DECREASING
            signal = trend_direction[i]
        elif shift_side[i]:
            rule = RUN_SHIFT_ABOVE if shift_side[i] > 0 else RUN_SHIFT_BELOW
            signal = shift_side[i]
        else:
            rule, signal = RUN_NO_SIGNAL, 0
        point_type = _point_type_from_side(signal, direction)
        points.append(
            RunChartPoint(
                value=ys[i],
                median=median,
                relative_to_median=side[i],
                useful=side[i] != 0,
                shift=shift_side[i] != 0,
                trend=trend_direction[i] != 0,
                rule=rule,
                point_type=point_type,
                special_cause=_special_cause(point_type),
            )
        )

    limits = RUNS_TABLE.get(len(useful))
    lower, upper = limits if limits is not None else (None, None)
    return RunChartResult(
        improvement=improvement,
        median=median,
        points=tuple(points),
        variation=_variation(points[-1].point_type, direction),
        useful_observations=len(useful),
        runs=runs,
        runs_lower_limit=lower,
        runs_upper_limit=upper,
        too_few_runs=None if lower is None else runs < lower,
        too_many_runs=None if upper is None else runs > upper,
    )


# --------------------------------------------------------------------------------------------
# The MDC rules (SPC.md 2.5 to 2.7), shared by the XmR and attribute charts


def _classify(
    y: Sequence[float],
    mean: float,
    lpl: Sequence[float],
    upl: Sequence[float],
    nlpl: Sequence[float],
    nupl: Sequence[float],
) -> tuple[list[bool], list[int], list[bool], list[str]]:
    """Label each point of one period (outside, side of the mean, close, special_cause_type).

    Comparisons are strict throughout, and any comparison with a NaN limit is false, which is
    what R's case_when does with the NA it gets there.
    """
    n = len(y)
    outside = [v > u or v < lo for v, lo, u in zip(y, lpl, upl, strict=True)]
    rtm = [_sign(v - mean) for v in y]
    close = [
        not out and (v < nlo or v > nup)
        for v, out, nlo, nup in zip(y, outside, nlpl, nupl, strict=True)
    ]

    # R2: 6 consecutive strict rises (or falls); an equal pair (sign 0) breaks the trend.
    steps = [0] + [_sign(y[i] - y[i - 1]) for i in range(1, n)]
    in_trend = _mark_runs(steps, 6, n)
    # R4: 7 consecutive points strictly on one side of the mean; a point on it breaks the run.
    in_shift = _mark_runs(rtm, 7, n)
    # R3: a window of 3 consecutive points fires when 2 or more are close and all 3 lie on one
    # side of the mean; only the close points of a fired window are flagged.
    fired = [False] * n
    for s in range(n - 2):
        if (
            close[s] + close[s + 1] + close[s + 2] >= 2
            and abs(rtm[s] + rtm[s + 1] + rtm[s + 2]) == 3
        ):
            fired[s] = fired[s + 1] = fired[s + 2] = True

    rules = []
    for i in range(n):
        if outside[i]:
            rule = ABOVE_UCL if rtm[i] == 1 else BELOW_LCL
        elif in_trend[i]:
            # The whole trend takes one direction: look right while the trend continues,
            # otherwise left (ptd_special_cause_type).
            step = steps[i + 1] if i + 1 < n and in_trend[i + 1] else steps[i]
            rule = TREND_INCREASING if step == 1 else TREND_DECREASING
        elif close[i] and fired[i]:
            rule = TWO_IN_THREE_ABOVE if rtm[i] > 0 else TWO_IN_THREE_BELOW
        elif in_shift[i]:
            rule = SHIFT_ABOVE if rtm[i] > 0 else SHIFT_BELOW
        else:
            rule = COMMON_CAUSE
        rules.append(rule)
    return outside, rtm, close, rules


def _mark_runs(signs: Sequence[int], needed: int, n: int) -> list[bool]:
    """Flag the 7 points ending at each i where the last ``needed`` signs are equal and non-zero.

    This is ptd_part_of_seven_trend applied to a rule's end points, so every point of a run of
    7 or more is flagged. The shift rule passes each point's side of the mean (7 needed); the
    trend rule passes the step into each point (0 for the first), so 6 equal steps ending at i
    flag the 7 points i-6 .. i that they join.
    """
    marked = [False] * n
    streak = 0
    for i in range(n):
        if signs[i] != 0 and i > 0 and signs[i] == signs[i - 1]:
            streak += 1
        else:
            streak = 1 if signs[i] != 0 else 0
        if streak >= needed:
            for j in range(max(0, i - 6), i + 1):
                marked[j] = True
    return marked


def _point_type(rule: str, direction: int) -> str:
    return _point_type_from_side(RULE_SIDE[rule], direction)


def _point_type_from_side(side: int, direction: int) -> str:
    if side == 0:
        return "common_cause"
    if direction == 0:
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if side * direction > 0 else "special_cause_concern"


def _special_cause(point_type: str) -> str:
    if point_type == "special_cause_improvement":
        return "improvement"
    if point_type == "special_cause_concern":
        return "concern"
    return "neither"


def _variation(point_type: str, direction: int) -> str:
    """The variation icon from the latest point's type (ptd_get_icons)."""
    if point_type == "special_cause_improvement":
        return "improvement_high" if direction == 1 else "improvement_low"
    if point_type == "special_cause_concern":
        return "concern_low" if direction == 1 else "concern_high"
    if point_type == "special_cause_neutral_high":
        return "neutral_high"
    if point_type == "special_cause_neutral_low":
        return "neutral_low"
    return "common_cause"


def _assurance(target: float | None, lpl: float, upl: float, direction: int) -> str | None:
    """The assurance icon from the latest limits (ptd_calculate_assurance_type).

    Strict comparisons: a target exactly on a limit is "inconsistent", and so is any target
    against NaN limits (R's NA falls through to its default).
    """
    if target is None or direction == 0:
        return None
    if target > upl:
        return "fail" if direction == 1 else "pass"
    if target < lpl:
        return "pass" if direction == 1 else "fail"
    return "inconsistent"


# --------------------------------------------------------------------------------------------
# Chart internals


def _xmr_centre(baseline: Sequence[float], screen_outliers: bool) -> tuple[float, float]:
    """Mean and average moving range of a baseline (NaN when no moving range is usable)."""
    mean = math.fsum(baseline) / len(baseline)
    ranges = [abs(b - a) for a, b in itertools.pairwise(baseline)]
    mr_bar = _mean_or_nan(ranges)
    if screen_outliers:
        # Once, strictly below: a range equal to the cut-off goes, and a constant baseline
        # (MRbar 0) loses every range, leaving NaN limits as in R.
        cutoff = SCREEN_FACTOR * mr_bar
        mr_bar = _mean_or_nan([r for r in ranges if r < cutoff])
    return mean, mr_bar


def _attribute_chart(
    chart: Literal["p", "u"],
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    improvement: Improvement,
    rebase_at: Iterable[int],
    fix_after: int | None,
    target: float | None,
    multiplier: float,
) -> SpcResult:
    direction = _direction(improvement)
    xs = _finite_list(numerators, "numerators")
    ns = _finite_list(denominators, "denominators")
    if len(xs) != len(ns):
        raise ValueError(f"numerators and denominators differ in length ({len(xs)} and {len(ns)})")
    if not xs:
        raise ValueError("numerators must hold at least one number")
    for i, (x, n) in enumerate(zip(xs, ns, strict=True)):
        if x < 0 or n < 0:
            raise ValueError(f"counts must not be negative (index {i}: {x} / {n})")
        if chart == "p" and x > n:
            raise ValueError(f"a proportion's numerator exceeds its denominator at index {i}")
    _check_fix_after(fix_after)
    target_value = _optional_finite(target, "target")
    k = _finite(multiplier, "multiplier")
    if k <= 0:
        raise ValueError(f"multiplier must be positive, got {multiplier!r}")

    points: list[SpcPoint] = []
    periods: list[SpcPeriod] = []
    last_limits = (math.nan, math.nan)
    for period, (start, stop) in enumerate(_period_bounds(len(xs), rebase_at)):
        base_stop = stop if fix_after is None else min(stop, start + fix_after)
        base_n = math.fsum(ns[start:base_stop])
        if base_n == 0:
            raise ValueError(
                f"the baseline of the period starting at index {start} has no denominator"
            )
        centre = math.fsum(xs[start:base_stop]) / base_n
        short = stop - start < SHORT_GROUP_THRESHOLD

        # Zero-denominator periods have no rate; the rules run over the others, in order.
        defined = [i for i in range(start, stop) if ns[i] > 0]
        y = [xs[i] / ns[i] for i in defined]
        lcl, ucl, nlcl, nucl = [], [], [], []
        variance = centre * (1 - centre) if chart == "p" else centre
        for i in defined:
            sigma = math.sqrt(variance / ns[i])
            lower = max(0.0, centre - ATTRIBUTE_SIGMAS * sigma)
            near_lower = max(0.0, centre - ATTRIBUTE_NEAR_SIGMAS * sigma)
            upper = centre + ATTRIBUTE_SIGMAS * sigma
            near_upper = centre + ATTRIBUTE_NEAR_SIGMAS * sigma
            if chart == "p":
                upper, near_upper = min(1.0, upper), min(1.0, near_upper)
            lcl.append(lower)
            ucl.append(upper)
            nlcl.append(near_lower)
            nucl.append(near_upper)
        outside, rtm, close, rules = _classify(y, centre, lcl, ucl, nlcl, nucl)

        by_index = dict(zip(defined, range(len(defined)), strict=True))
        last_type = "common_cause"
        for i in range(start, stop):
            j = by_index.get(i)
            if j is None:
                point_type = "common_cause"
                points.append(
                    SpcPoint(
                        value=None,
                        mean=centre * k,
                        lower_limit=None,
                        upper_limit=None,
                        outside_limits=False,
                        relative_to_mean=0,
                        close_to_limits=False,
                        rule=COMMON_CAUSE,
                        point_type=point_type,
                        special_cause="neither",
                        short_group_warning=short,
                        period=period,
                        numerator=xs[i],
                        denominator=ns[i],
                    )
                )
                continue
            point_type = _point_type(rules[j], direction)
            last_type = point_type
            last_limits = (lcl[j] * k, ucl[j] * k)
            points.append(
                SpcPoint(
                    value=y[j] * k,
                    mean=centre * k,
                    lower_limit=lcl[j] * k,
                    upper_limit=ucl[j] * k,
                    outside_limits=outside[j],
                    relative_to_mean=rtm[j],
                    close_to_limits=close[j],
                    rule=rules[j],
                    point_type=point_type,
                    special_cause=_special_cause(point_type),
                    short_group_warning=short,
                    period=period,
                    numerator=xs[i],
                    denominator=ns[i],
                )
            )
        periods.append(
            SpcPeriod(
                start=start,
                stop=stop,
                baseline_points=base_stop - start,
                mean=centre * k,
                mr_bar=None,
                short_group_warning=short,
                variation=_variation(last_type, direction),
            )
        )

    return SpcResult(
        chart=chart,
        improvement=improvement,
        points=tuple(points),
        periods=tuple(periods),
        # The icons read the latest point that has a value (and so has limits).
        variation=periods[-1].variation,
        assurance=_assurance(target_value, *last_limits, direction),
        target=target_value,
    )


def _run_chart_trends(ys: Sequence[float]) -> list[int]:
    """Direction (+1/-1) of the IHI trend each point belongs to, 0 if none.

    Repeated consecutive values are collapsed to one before counting, so ties neither make nor
    break a trend; every copy of a value in a trend is flagged.
    """
    n = len(ys)
    # Collapse ties: each distinct step holds the original indices that share its value.
    values: list[float] = []
    members: list[list[int]] = []
    for i, y in enumerate(ys):
        if values and y == values[-1]:
            members[-1].append(i)
        else:
            values.append(y)
            members.append([i])
    direction = [0] * n
    steps = [_sign(values[j] - values[j - 1]) for j in range(1, len(values))]
    j = 0
    while j < len(steps):
        end = j
        while end + 1 < len(steps) and steps[end + 1] == steps[j]:
            end += 1
        # steps j..end join collapsed points j..end+1.
        if end - j + 2 >= RUN_TREND_LENGTH:
            for point in range(j, end + 2):
                for i in members[point]:
                    direction[i] = steps[j]
        j = end + 1
    return direction


def _period_bounds(n: int, rebase_at: Iterable[int]) -> list[tuple[int, int]]:
    """Split 0..n-1 into periods; each index in ``rebase_at`` is the first point of one."""
    if isinstance(rebase_at, (str, bytes)):
        raise ValueError("rebase_at must be a collection of indices")
    starts = {0}
    for raw in rebase_at:
        if isinstance(raw, bool):
            raise ValueError(f"rebase_at holds indices, not {raw!r}")
        try:
            index = operator.index(raw)
        except TypeError:
            raise ValueError(f"rebase_at holds whole-number indices, not {raw!r}") from None
        if not 0 <= index < n:
            raise ValueError(f"rebase_at index {index} is outside the series (0 to {n - 1})")
        starts.add(index)
    ordered = sorted(starts)
    return list(zip(ordered, [*ordered[1:], n], strict=True))


def _check_fix_after(fix_after: int | None) -> None:
    if fix_after is None:
        return
    if isinstance(fix_after, bool) or not isinstance(fix_after, int) or fix_after < MIN_FIX_AFTER:
        raise ValueError(
            f"fix_after must be a whole number of at least {MIN_FIX_AFTER} points "
            f"(limits frozen on fewer are not allowed), got {fix_after!r}"
        )


def _direction(improvement: str) -> int:
    try:
        return _DIRECTIONS[improvement]
    except (KeyError, TypeError):
        raise ValueError(
            f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}"
        ) from None


def _finite_list(values: Iterable[float], name: str) -> list[float]:
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of numbers")
    return [_finite(v, f"{name}[{i}]") for i, v in enumerate(values)]


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise ValueError(f"{name} is not a number: {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} is not finite: {value!r}")
    return result


def _optional_finite(value: float | None, name: str) -> float | None:
    return None if value is None else _finite(value, name)


def _mean_or_nan(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else math.nan


def _defined(value: float) -> float | None:
    return None if math.isnan(value) else value


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)
