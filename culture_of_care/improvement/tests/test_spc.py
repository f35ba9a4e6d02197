"""Tests for the pure SPC module against SPC.md, its reference cases and hand-worked examples.

No Django: run with ``pytest culture_of_care/improvement/tests/test_spc.py -p no:django``.

Most XmR cases sit on a "harness" baseline: 12 points alternating 9.5 and 10.5 frozen with
fix_after=12. Its mean is exactly 10 and every moving range is 1, so by hand the limits are
10 -/+ 2.66 = 7.34 and 12.66, and the 2-sigma lines are 10 -/+ 1.77333 = 8.22667 and 11.77333.
Points appended after it are judged against those limits, which keeps each case readable.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from culture_of_care.improvement.spc import (
    ABOVE_UCL,
    BELOW_LCL,
    COMMON_CAUSE,
    RUN_NO_SIGNAL,
    RUN_SHIFT_ABOVE,
    RUN_SHIFT_BELOW,
    RUN_TREND_DECREASING,
    RUN_TREND_INCREASING,
    SHIFT_ABOVE,
    SHIFT_BELOW,
    TREND_DECREASING,
    TREND_INCREASING,
    TWO_IN_THREE_ABOVE,
    TWO_IN_THREE_BELOW,
    SpcResult,
    p_chart,
    run_chart,
    u_chart,
    xmr,
)

HARNESS = [9.5, 10.5] * 6
EXACT = 1e-9


def rules(result: SpcResult) -> list[str]:
    return [point.rule for point in result.points]


def tail_rules(tail: list[float], **kwargs: object) -> list[str]:
    """The rules of the points appended to the harness baseline."""
    kwargs.setdefault("improvement", "increase")
    result = xmr(HARNESS + tail, fix_after=12, **kwargs)  # type: ignore[arg-type]
    return rules(result)[len(HARNESS) :]


def same_point(a: object, b: object) -> bool:
    """Points equal in everything but the period they are numbered in."""
    fields = [f for f in a.__slots__ if f != "period"]  # type: ignore[attr-defined]
    return all(getattr(a, f) == getattr(b, f) for f in fields)


# --------------------------------------------------------------------------------------------
# XmR: limits against NHSRplotthedots' own snapshots (tests/testthat/_snaps/ptd_spc_standard.md)

# set.seed(123); rnorm(20), as R prints it (8 significant figures). The snapshots give the
# limits to 7 significant figures, so these compare at 1e-6: the inputs themselves are rounded.
RNORM20 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def test_rnorm20_limits_match_the_r_snapshot() -> None:
    result = xmr(RNORM20, improvement="increase")
    first = result.points[0]
    assert first.mean == pytest.approx(0.1416238, rel=1e-6)
    assert first.lower_limit == pytest.approx(-3.01138, rel=1e-6)
    assert first.upper_limit == pytest.approx(3.294627, rel=1e-6)
    assert [p.relative_to_mean for p in result.points[:15]] == [
        -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1,
    ]  # fmt: skip
    assert not any(p.outside_limits for p in result.points)
    # -1.9666 is just beyond the lower 2-sigma line (0.14162 - 1.77333 x 1.18534 = -1.9604),
    # but a lone close point is no signal: R's summary counts 20 common cause points.
    assert [i for i, p in enumerate(result.points) if p.close_to_limits] == [17]
    assert set(rules(result)) == {COMMON_CAUSE}
    assert result.variation == "common_cause"


def test_rnorm20_outlier_screened_keeps_outlier_in_mean_but_not_in_ranges() -> None:
    values = list(RNORM20)
    values[14] = 10.0  # R: data$y[15] <- 10
    screened = xmr(values, improvement="increase")
    unscreened = xmr(values, improvement="increase", screen_outliers=False)
    for result in (screened, unscreened):
        assert result.points[0].mean == pytest.approx(0.6694159, rel=1e-6)
    assert screened.points[0].lower_limit == pytest.approx(-2.383666, rel=1e-6)
    assert screened.points[0].upper_limit == pytest.approx(3.722497, rel=1e-6)
    assert unscreened.points[0].lower_limit == pytest.approx(-4.596625, rel=1e-6)
    assert unscreened.points[0].upper_limit == pytest.approx(5.935457, rel=1e-6)
    assert [p.relative_to_mean for p in screened.points[:14]] == [
        -1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1,
    ]  # fmt: skip
    assert screened.points[14].rule == ABOVE_UCL


def test_rnorm20_outlier_screening_drops_both_ranges_next_to_it() -> None:
    values = list(RNORM20)
    values[14] = 10.0
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    # By hand: the two ranges touching the outlier are the only ones over 3.267 x MRbar.
    cutoff = 3.267 * sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < cutoff]
    assert len(ranges) - len(kept) == 2
    screened = xmr(values, improvement="increase")
    assert screened.periods[0].mr_bar == pytest.approx(sum(kept) / len(kept), rel=EXACT)


def test_rebased_facets_match_the_r_summary_snapshot() -> None:
    # _snaps/ptd_spc.md: the same 20 points split 10 + 10 give 0.0746 [-2.60, 2.75] and
    # 0.209 [-3.28, 3.70]; a rebase at index 10 splits them the same way.
    result = xmr(RNORM20, improvement="increase", rebase_at=[10])
    first, second = result.points[0], result.points[10]
    assert (first.mean, first.lower_limit, first.upper_limit) == pytest.approx(
        (0.0746, -2.60, 2.75), abs=0.005
    )
    assert (second.mean, second.lower_limit, second.upper_limit) == pytest.approx(
        (0.209, -3.28, 3.70), abs=0.005
    )
    assert [p.period for p in result.points] == [0] * 10 + [1] * 10
    assert [p.short_group_warning for p in result.points] == [True] * 20


# --------------------------------------------------------------------------------------------
# XmR: hand-worked limits, to 1e-9


@pytest.mark.parametrize(
    ("screen", "mr_bar"),
    [
        # Ranges: 1, 1, 1, 8, 9 and twelve 1s -> MRbar 32/17; the cut-off 3.267 x 32/17 = 6.15
        # drops the 8 and the 9, leaving fifteen 1s -> MRbar 1.
        (True, 1.0),
        (False, 32 / 17),
    ],
)
def test_vignette_deviations_outlier(screen: bool, mr_bar: float) -> None:
    # vignettes/deviations.Rmd: the outlier 10 stays in the mean (35/18) either way.
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = xmr(values, improvement="increase", screen_outliers=screen)
    point = result.points[0]
    assert point.mean == pytest.approx(35 / 18, rel=EXACT)
    assert result.periods[0].mr_bar == pytest.approx(mr_bar, rel=EXACT)
    assert point.lower_limit == pytest.approx(35 / 18 - 2.66 * mr_bar, rel=EXACT)
    assert point.upper_limit == pytest.approx(35 / 18 + 2.66 * mr_bar, rel=EXACT)
    assert rules(result) == [COMMON_CAUSE] * 4 + [ABOVE_UCL] + [COMMON_CAUSE] * 13


def test_harness_limits_worked_by_hand() -> None:
    result = xmr(HARNESS, improvement="increase")
    point = result.points[0]
    assert point.mean == pytest.approx(10, rel=EXACT)
    assert point.lower_limit == pytest.approx(7.34, rel=EXACT)
    assert point.upper_limit == pytest.approx(12.66, rel=EXACT)
    assert result.periods[0].mr_bar == pytest.approx(1, rel=EXACT)
    assert set(rules(result)) == {COMMON_CAUSE}


def test_small_series_worked_by_hand() -> None:
    # [2, 4, 3, 7, 4]: mean 4; ranges 2, 1, 4, 3 -> MRbar 2.5, cut-off 8.1675 keeps all;
    # limits 4 -/+ 6.65; 2-sigma lines 4 -/+ 4.43333.
    result = xmr([2, 4, 3, 7, 4], improvement="increase")
    point = result.points[0]
    assert point.mean == pytest.approx(4, rel=EXACT)
    assert point.lower_limit == pytest.approx(-2.65, rel=EXACT)
    assert point.upper_limit == pytest.approx(10.65, rel=EXACT)
    assert [p.relative_to_mean for p in result.points] == [-1, 0, -1, 1, 0]
    assert [p.close_to_limits for p in result.points] == [False] * 5


def test_screening_uses_strict_less_than_and_runs_once() -> None:
    # [0, 0, 0, 0, 1, 0]: ranges 0, 0, 0, 1, 1 -> MRbar 0.4, cut-off 1.3068: both kept.
    kept = xmr([0, 0, 0, 0, 1, 0], improvement="increase")
    assert kept.periods[0].mr_bar == pytest.approx(0.4, rel=EXACT)
    # [0]*9 + [1]: ranges eight 0s and a 1 -> MRbar 1/9, cut-off 0.363: the 1 goes, MRbar 0,
    # and screening is not repeated on what is left.
    dropped = xmr([0] * 9 + [1], improvement="increase")
    assert dropped.periods[0].mr_bar == 0
    no_screen = xmr([0] * 9 + [1], improvement="increase", screen_outliers=False)
    assert no_screen.periods[0].mr_bar == pytest.approx(1 / 9, rel=EXACT)


def test_range_equal_to_the_cutoff_is_dropped() -> None:
    # Ranges 1.733, 3.267, 0, 0, 0: MRbar is exactly 1.0, so the cut-off 3.267 x 1.0 equals the
    # range 3.267 bit for bit. Strict "<" drops it: MRbar becomes 1.733 / 4, not 1.0.
    values = [1.733, 0, 3.267, 3.267, 3.267, 3.267]
    screened = xmr(values, improvement="increase")
    assert screened.periods[0].mr_bar == pytest.approx(1.733 / 4, rel=EXACT)
    unscreened = xmr(values, improvement="increase", screen_outliers=False)
    assert unscreened.periods[0].mr_bar == pytest.approx(1.0, rel=EXACT)


# --------------------------------------------------------------------------------------------
# XmR: SPC.md 2.11 edge cases and the named reference cases


def test_point_exactly_on_limits_fixed_baseline() -> None:
    # 12.66 and 7.34 sit exactly on the limits: not outside, but close. 12.67 is outside.
    result = xmr(HARNESS + [12.66, 10.5, 7.34, 9.5, 12.67], improvement="increase", fix_after=12)
    on_upper, on_lower, beyond = result.points[12], result.points[14], result.points[16]
    assert not on_upper.outside_limits and on_upper.close_to_limits
    assert not on_lower.outside_limits and on_lower.close_to_limits
    assert rules(result)[12:] == [COMMON_CAUSE, COMMON_CAUSE, COMMON_CAUSE, COMMON_CAUSE, ABOVE_UCL]
    assert beyond.outside_limits and beyond.special_cause == "improvement"


@pytest.mark.parametrize(
    ("target", "improvement", "assurance"),
    [
        (12.66, "increase", "inconsistent"),  # exactly on the upper limit
        (7.34, "increase", "inconsistent"),  # exactly on the lower limit
        (12.67, "increase", "fail"),
        (12.67, "decrease", "pass"),
        (7.33, "increase", "pass"),
        (7.33, "decrease", "fail"),
        (10.0, "increase", "inconsistent"),
        (12.67, "neutral", None),
        (None, "increase", None),
    ],
)
def test_assurance_from_the_latest_limits(
    target: float | None, improvement: str, assurance: str | None
) -> None:
    result = xmr(HARNESS + [10.0], improvement=improvement, fix_after=12, target=target)  # type: ignore[arg-type]
    assert result.assurance == assurance


def test_assurance_uses_the_last_rebase_period() -> None:
    # First period 0..10 wide, second period 100 +/- 2.66: a target of 50 is below the latest
    # lower limit, so an increase measure consistently passes.
    values = [0, 10] * 6 + [99.5, 100.5] * 6
    result = xmr(values, improvement="increase", rebase_at=[12], target=50)
    assert result.assurance == "pass"


def test_trend_broken_by_equal_value() -> None:
    # [4, 1, 2, 3, 3, 4, 5, 6, 3, 4]: the repeated 3 leaves at most 3 rises in a row.
    # Mean 3.5, MRbar 12/9, limits 3.5 -/+ 3.5467: nothing outside; no 7 on one side.
    broken = xmr([4, 1, 2, 3, 3, 4, 5, 6, 3, 4], improvement="increase")
    assert set(rules(broken)) == {COMMON_CAUSE}
    # Contrast: 3.5 in place of the second 3 gives 7 points (1 .. 6) with 6 strict rises.
    trend = xmr([4, 1, 2, 3, 3.5, 4, 5, 6, 3, 4], improvement="increase")
    assert rules(trend) == [COMMON_CAUSE] + [TREND_INCREASING] * 7 + [COMMON_CAUSE] * 2


def test_six_rises_of_seven_points_make_a_trend_but_five_do_not() -> None:
    # Wide frozen limits (mean 10, MRbar 20) so only the trend rule can fire.
    wide = [0.0, 20.0] * 6
    six_rises = xmr(wide + [7, 8, 9, 10, 11, 12, 13], improvement="decrease", fix_after=12)
    assert rules(six_rises)[12:] == [TREND_INCREASING] * 7
    assert {p.special_cause for p in six_rises.points[12:]} == {"concern"}
    five_rises = xmr(wide + [7, 8, 9, 10, 11, 12, 5], improvement="decrease", fix_after=12)
    assert set(rules(five_rises)) == {COMMON_CAUSE}


def test_trend_7_increasing_crossing_mean() -> None:
    # [10, 2, 3, 4, 5, 6, 7, 8, 1, 9]: mean 5.5, MRbar 29/9, limits 5.5 -/+ 8.571.
    # The trend 2..8 runs from below the mean to above it; every point is "Increasing".
    result = xmr([10, 2, 3, 4, 5, 6, 7, 8, 1, 9], improvement="increase")
    assert rules(result) == [COMMON_CAUSE] + [TREND_INCREASING] * 7 + [COMMON_CAUSE] * 2
    assert [p.relative_to_mean for p in result.points[1:8]] == [-1, -1, -1, -1, 1, 1, 1]
    assert {p.special_cause for p in result.points[1:8]} == {"improvement"}
    assert result.variation == "common_cause"


def test_trend_overrides_shift_decreasing_above_mean() -> None:
    # 9 down to 6 are seven points above the mean 5.441 (a shift, and 9 and 8.5 are a 2-in-3),
    # falling all the way: the trend label wins, so with improvement "increase" they are
    # concern. The fall continues to the 3 below the mean, which joins the same trend.
    # By hand: MRbar 28/16 = 1.75, the 6 -> screened, MRbar 22/15; UPL 5.441 + 3.901 = 9.342.
    values = [5, 3, 5, 3, 5, 3, 9, 8.5, 8, 7.5, 7, 6.5, 6, 3, 5, 3, 5]
    result = xmr(values, improvement="increase")
    assert result.periods[0].mr_bar == pytest.approx(22 / 15, rel=EXACT)
    assert all(p.relative_to_mean == 1 for p in result.points[6:13])
    assert [p.close_to_limits for p in result.points[6:9]] == [True, True, False]
    assert rules(result)[6:14] == [TREND_DECREASING] * 8
    assert {p.special_cause for p in result.points[6:14]} == {"concern"}
    assert set(rules(result)[:6] + rules(result)[14:]) == {COMMON_CAUSE}


def test_peak_shared_by_two_trends_is_labelled_by_the_trend_after_it() -> None:
    # Up 7..13 then straight down 13..7 on wide frozen limits: the peak looks right.
    wide = [0.0, 20.0] * 6
    result = xmr(
        wide + [7, 8, 9, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7], improvement="increase", fix_after=12
    )
    assert rules(result)[12:] == [TREND_INCREASING] * 6 + [TREND_DECREASING] * 7


def test_two_in_three_flags_only_the_close_points() -> None:
    # 12 is close above (11.773 < 12 < 12.66); 10.5 is above but not close.
    assert tail_rules([12, 10.5, 12, 10.5, 9.5]) == [
        TWO_IN_THREE_ABOVE,
        COMMON_CAUSE,  # the third point of the window is not flagged
        TWO_IN_THREE_ABOVE,
        COMMON_CAUSE,
        COMMON_CAUSE,
    ]


def test_two_of_three_middle_point_below_mean() -> None:
    # The same two close points around a point below the mean (9): no window is one-sided.
    assert set(tail_rules([12, 9, 12, 10.5, 9.5])) == {COMMON_CAUSE}


def test_two_in_three_below() -> None:
    # 8 is close below (7.34 < 8 < 8.2267), 9.5 below but not close.
    assert tail_rules([8, 9.5, 8, 10.5]) == [
        TWO_IN_THREE_BELOW,
        COMMON_CAUSE,
        TWO_IN_THREE_BELOW,
        COMMON_CAUSE,
    ]


def test_two_adjacent_close_points_opposite_neighbours() -> None:
    # Neighbours on both sides are below the mean, so no window of three is one-sided.
    assert set(tail_rules([9.5, 12, 12, 9.5, 10.5])) == {COMMON_CAUSE}
    # Contrast: an above-mean neighbour completes the window.
    assert tail_rules([10.5, 12, 12, 9.5]) == [
        COMMON_CAUSE,
        TWO_IN_THREE_ABOVE,
        TWO_IN_THREE_ABOVE,
        COMMON_CAUSE,
    ]


def test_two_in_three_window_with_a_point_on_the_mean_does_not_fire() -> None:
    # 9.5, 12, 12, 10, 9.5: the only window holding both close points on one side has the
    # third point exactly on the mean (side 0), so |sum| is 2, not 3.
    assert set(tail_rules([9.5, 12, 12, 10, 9.5])) == {COMMON_CAUSE}


def test_two_in_three_windows_do_not_hang_over_the_end_of_a_period() -> None:
    # Two close points at the very end, after a point below the mean: R pads with side 0.
    assert set(tail_rules([9.5, 12, 12])) == {COMMON_CAUSE}
    assert tail_rules([10.5, 12, 12]) == [COMMON_CAUSE, TWO_IN_THREE_ABOVE, TWO_IN_THREE_ABOVE]


def test_two_in_three_opposite_sides_never_fire() -> None:
    assert set(tail_rules([12, 8, 12, 8, 10.5])) == {COMMON_CAUSE}
    # NHSRplotthedots' own case: 1, -1 alternating, then 5.5 and -5.5 close on opposite sides.
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    result = xmr(values, improvement="increase")
    assert result.points[14].close_to_limits and result.points[15].close_to_limits
    assert [p.point_type for p in result.points[-2:]] == ["common_cause", "common_cause"]


def test_two_of_three_one_point_outside() -> None:
    # 13 is outside, so it is not "close" and cannot make up the two.
    assert tail_rules([12, 13, 10.5]) == [COMMON_CAUSE, ABOVE_UCL, COMMON_CAUSE]


def test_point_on_mean_breaks_run() -> None:
    # Three above, one exactly on the mean (10), three above: no run of 7.
    assert set(tail_rules([9.5, 11, 11, 11, 10, 11, 11, 11, 9.5])) == {COMMON_CAUSE}
    # Contrast: 11 in place of the 10 makes 7 in a row above the mean.
    assert tail_rules([9.5, 11, 11, 11, 11, 11, 11, 11, 9.5]) == (
        [COMMON_CAUSE] + [SHIFT_ABOVE] * 7 + [COMMON_CAUSE]
    )


def test_run_of_6_above_mean_no_signal() -> None:
    assert set(tail_rules([9.5] + [11] * 6 + [9.5])) == {COMMON_CAUSE}


def test_shift_below_marks_every_point_of_a_longer_run() -> None:
    assert tail_rules([10.5] + [9] * 9 + [10.5]) == [COMMON_CAUSE] + [SHIFT_BELOW] * 9 + [
        COMMON_CAUSE
    ]


def test_astronomical_low_increase_leaves_common_cause_icon() -> None:
    result = xmr(HARNESS + [7, 10.5, 9.5], improvement="increase", fix_after=12)
    assert result.points[12].rule == BELOW_LCL
    assert result.points[12].special_cause == "concern"
    assert result.variation == "common_cause"


@pytest.mark.parametrize(
    ("last", "improvement", "variation", "point_type", "special_cause"),
    [
        (13, "increase", "improvement_high", "special_cause_improvement", "improvement"),
        (13, "decrease", "concern_high", "special_cause_concern", "concern"),
        (7, "increase", "concern_low", "special_cause_concern", "concern"),
        (7, "decrease", "improvement_low", "special_cause_improvement", "improvement"),
        (13, "neutral", "neutral_high", "special_cause_neutral_high", "neither"),
        (7, "neutral", "neutral_low", "special_cause_neutral_low", "neither"),
        (10.5, "neutral", "common_cause", "common_cause", "neither"),
    ],
)
def test_variation_icon_from_the_latest_point(
    last: float, improvement: str, variation: str, point_type: str, special_cause: str
) -> None:
    result = xmr(HARNESS + [last], improvement=improvement, fix_after=12)  # type: ignore[arg-type]
    assert result.variation == variation
    assert result.points[-1].point_type == point_type
    assert result.points[-1].special_cause == special_cause
    assert result.points[-1].special_cause_flag == (point_type != "common_cause")


def test_constant_series_screened_has_no_limits() -> None:
    result = xmr([5] * 15, improvement="increase", target=6)
    assert all(p.lower_limit is None and p.upper_limit is None for p in result.points)
    assert all(p.mean == 5 for p in result.points)
    assert set(rules(result)) == {COMMON_CAUSE}
    assert result.periods[0].mr_bar is None
    # NaN limits: R's comparisons are NA and fall through to "inconsistent".
    assert result.assurance == "inconsistent"


def test_constant_series_unscreened_has_zero_width_limits() -> None:
    result = xmr([5] * 15, improvement="increase", target=6, screen_outliers=False)
    assert all(p.lower_limit == 5 and p.upper_limit == 5 for p in result.points)
    assert not any(p.outside_limits for p in result.points)
    assert set(rules(result)) == {COMMON_CAUSE}
    assert result.assurance == "fail"


def test_py_port_zero_width_limits_put_every_off_mean_point_outside() -> None:
    # py_port_zero_width_limits: ten 1s and a 5. Ranges nine 0s and a 4 -> MRbar 0.4, the 4
    # is screened out, MRbar 0, so both limits equal the mean 15/11.
    result = xmr([1] * 10 + [5], improvement="increase")
    assert result.points[0].lower_limit == pytest.approx(15 / 11, rel=EXACT)
    assert result.points[0].upper_limit == pytest.approx(15 / 11, rel=EXACT)
    assert rules(result) == [BELOW_LCL] * 10 + [ABOVE_UCL]


def test_fewer_points_one() -> None:
    result = xmr([42], improvement="increase", target=40)
    (point,) = result.points
    assert point.mean == 42
    assert point.lower_limit is None and point.upper_limit is None
    assert point.rule == COMMON_CAUSE and point.short_group_warning
    assert result.variation == "common_cause"
    assert result.assurance == "inconsistent"


def test_fix_after_12_points_freezes_limits_and_rules_run_over_all_points() -> None:
    # Later points far from the baseline do not move the limits, and the shift rule sees
    # baseline and later points together (10.5 at index 11 starts the run of 7).
    later = [11, 11, 11, 11, 11, 11, 30]
    result = xmr(HARNESS + later, improvement="increase", fix_after=12)
    assert {(p.mean, p.lower_limit, p.upper_limit) for p in result.points} == {(10.0, 7.34, 12.66)}
    assert rules(result)[11:] == [SHIFT_ABOVE] * 7 + [ABOVE_UCL]
    assert result.periods[0].baseline_points == 12
    unfrozen = xmr(HARNESS + later, improvement="increase")
    assert unfrozen.points[0].mean != 10.0


def test_fix_after_applies_within_each_rebase_period() -> None:
    values = HARNESS + [50] + [99.5, 100.5] * 6 + [0]
    result = xmr(values, improvement="increase", fix_after=12, rebase_at=[13])
    assert result.points[13].mean == pytest.approx(100, rel=EXACT)
    assert result.points[13].upper_limit == pytest.approx(102.66, rel=EXACT)
    assert result.points[12].rule == ABOVE_UCL
    assert result.points[-1].rule == BELOW_LCL


@pytest.mark.parametrize("fix_after", [0, 5, 11, True, 12.0])
def test_fix_after_below_12_is_rejected(fix_after: object) -> None:
    with pytest.raises(ValueError, match="fix_after must be a whole number of at least 12"):
        xmr(HARNESS, improvement="increase", fix_after=fix_after)  # type: ignore[arg-type]


def test_fix_after_larger_than_the_series_uses_every_point() -> None:
    assert xmr([1, 2, 3], improvement="increase", fix_after=12) == xmr(
        [1, 2, 3], improvement="increase"
    )


def test_short_group_warning_flags_periods_of_12_or_fewer() -> None:
    assert all(p.short_group_warning for p in xmr([1, 2] * 6, improvement="increase").points)
    thirteen = xmr([1, 2] * 6 + [1], improvement="increase")
    assert not any(p.short_group_warning for p in thirteen.points)
    split = xmr([1, 2] * 10, improvement="increase", rebase_at=[5])
    assert [p.short_group_warning for p in split.points] == [True] * 5 + [False] * 15


def test_rebase_point_starts_the_new_period_and_rules_do_not_cross_it() -> None:
    rising = [0.0, 20.0] * 6 + [7, 8, 9, 10, 11, 12, 13]
    whole = xmr(rising, improvement="increase", fix_after=12)
    assert rules(whole)[12:] == [TREND_INCREASING] * 7
    split = xmr(rising, improvement="increase", fix_after=12, rebase_at=[15])
    assert set(rules(split)) == {COMMON_CAUSE}
    assert split.points[15].period == 1 and split.points[14].period == 0
    assert split.points[15].mean == pytest.approx(11.5, rel=EXACT)
    assert [p.start for p in split.periods] == [0, 15]


def test_rebase_at_zero_and_duplicates_are_harmless() -> None:
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    assert xmr(values, improvement="increase", rebase_at=[0, 3, 3]) == xmr(
        values, improvement="increase", rebase_at=[3]
    )


def test_decimal_and_int_values_are_accepted() -> None:
    as_decimal = xmr([Decimal("1.5"), 2, Decimal("3.5")], improvement="neutral")
    assert as_decimal.points[0].mean == pytest.approx(7 / 3, rel=EXACT)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [], "improvement": "increase"}, "at least one"),
        ({"values": [1, None], "improvement": "increase"}, r"values\[1\] is not a number"),
        ({"values": [1, math.nan], "improvement": "increase"}, "not finite"),
        ({"values": [1, math.inf], "improvement": "increase"}, "not finite"),
        ({"values": [1, "2"], "improvement": "increase"}, "not a number"),
        ({"values": [1, 2], "improvement": "up"}, "improvement must be"),
        ({"values": [1, 2], "improvement": "increase", "rebase_at": [2]}, "outside the series"),
        ({"values": [1, 2], "improvement": "increase", "rebase_at": [-1]}, "outside the series"),
        ({"values": [1, 2], "improvement": "increase", "rebase_at": [1.0]}, "whole-number"),
        ({"values": [1, 2], "improvement": "increase", "target": math.nan}, "not finite"),
    ],
)
def test_xmr_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(ValueError, match=message):
        xmr(values, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# XmR properties

finite = st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False
).filter(lambda v: v == 0 or abs(v) > 1e-100)
series = st.lists(st.one_of(st.integers(-50, 50), finite), min_size=1, max_size=40)
directions = st.sampled_from(["increase", "decrease", "neutral"])


@settings(max_examples=200, deadline=None)
@given(values=series, improvement=directions, screen=st.booleans())
def test_limits_are_symmetric_about_the_mean(values, improvement, screen) -> None:
    result = xmr(values, improvement=improvement, screen_outliers=screen)
    for point in result.points:
        if point.lower_limit is None:
            assert point.upper_limit is None
            continue
        above = point.upper_limit - point.mean
        below = point.mean - point.lower_limit
        assert above >= 0
        slack = 4 * math.ulp(max(abs(point.upper_limit), abs(point.lower_limit), abs(point.mean)))
        assert above == pytest.approx(below, abs=slack)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), improvement=directions, screen=st.booleans())
def test_rebasing_is_the_same_as_charting_each_period_alone(data, improvement, screen) -> None:
    values = data.draw(st.lists(st.one_of(st.integers(-50, 50), finite), min_size=2, max_size=40))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(values) - 1), max_size=3)))
    fix_after = data.draw(st.sampled_from([None, 12, 15]))
    whole = xmr(
        values,
        improvement=improvement,
        rebase_at=cuts,
        screen_outliers=screen,
        fix_after=fix_after,
    )
    bounds = list(zip([0, *cuts], [*cuts, len(values)], strict=True))
    assert len(whole.periods) == len(bounds)
    for number, (start, stop) in enumerate(bounds):
        alone = xmr(
            values[start:stop],
            improvement=improvement,
            screen_outliers=screen,
            fix_after=fix_after,
        )
        for mine, theirs in zip(whole.points[start:stop], alone.points, strict=True):
            assert mine.period == number
            assert same_point(mine, theirs)
        assert whole.periods[number].variation == alone.variation
    assert (
        whole.variation
        == xmr(
            values[bounds[-1][0] :],
            improvement=improvement,
            screen_outliers=screen,
            fix_after=fix_after,
        ).variation
    )


@settings(max_examples=200, deadline=None)
@given(
    values=series,
    scale=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
    screen=st.booleans(),
)
def test_scaling_values_scales_mean_and_limits(values, scale, screen) -> None:
    base = xmr(values, improvement="increase", screen_outliers=screen)
    scaled = xmr([v * scale for v in values], improvement="increase", screen_outliers=screen)
    tolerance = 1e-9 * scale * max(1.0, *(abs(v) for v in values))
    for a, b in zip(base.points, scaled.points, strict=True):
        assert b.mean == pytest.approx(a.mean * scale, rel=1e-9, abs=tolerance)
        if a.lower_limit is None or b.lower_limit is None:
            continue  # screening can only flip on a floating-point tie at the cut-off
        assert b.lower_limit == pytest.approx(a.lower_limit * scale, rel=1e-9, abs=tolerance)
        assert b.upper_limit == pytest.approx(a.upper_limit * scale, rel=1e-9, abs=tolerance)


@settings(max_examples=200, deadline=None)
@given(values=series, power=st.integers(-10, 10), improvement=directions)
def test_scaling_by_a_power_of_two_keeps_every_rule(values, power, improvement) -> None:
    # Multiplying by 2**k is exact in floating point, so every comparison comes out the same.
    scale = 2.0**power
    base = xmr(values, improvement=improvement)
    scaled = xmr([v * scale for v in values], improvement=improvement)
    assert rules(base) == rules(scaled)
    assert base.variation == scaled.variation
    for a, b in zip(base.points, scaled.points, strict=True):
        assert b.mean == a.mean * scale
        assert (b.upper_limit is None) == (a.upper_limit is None)
        if a.upper_limit is not None:
            assert b.upper_limit == a.upper_limit * scale


@settings(max_examples=200, deadline=None)
@given(values=series, improvement=directions)
def test_decrease_mirrors_increase(values, improvement) -> None:
    # Negating the values swaps above/below; with the direction swapped too, improvement and
    # concern stay where they were.
    if improvement == "neutral":
        return
    other = "decrease" if improvement == "increase" else "increase"
    a = xmr(values, improvement=improvement)
    b = xmr([-v for v in values], improvement=other)  # type: ignore[arg-type]
    assert [p.special_cause for p in a.points] == [p.special_cause for p in b.points]


# --------------------------------------------------------------------------------------------
# p- and u-charts

# Montgomery, Table 7.4: 25 samples with varying sizes.
TABLE_7_4_N = [100, 80, 80, 100, 110, 110, 100, 100, 90, 90, 110, 120, 120, 120, 110, 80, 80, 80]
TABLE_7_4_N += [90, 100, 100, 100, 100, 90, 90]
TABLE_7_4_D = [12, 8, 6, 9, 10, 12, 11, 16, 10, 6, 20, 15, 9, 8, 6, 8, 10, 7, 5, 8, 5, 8, 10, 6, 9]


def test_montgomery_table_7_4_p_chart() -> None:
    result = p_chart(TABLE_7_4_D, TABLE_7_4_N, improvement="decrease")
    p_bar = 234 / 2450
    assert result.points[0].mean == pytest.approx(p_bar, rel=EXACT)
    assert result.points[0].mean == pytest.approx(0.0955102, abs=5e-8)
    at_100, at_80 = result.points[0], result.points[1]
    assert at_100.upper_limit == pytest.approx(0.18369, abs=5e-6)
    assert at_80.upper_limit == pytest.approx(0.19409, abs=5e-6)
    assert at_100.upper_limit == pytest.approx(p_bar + 3 * math.sqrt(p_bar * (1 - p_bar) / 100))
    assert at_100.lower_limit == pytest.approx(p_bar - 3 * math.sqrt(p_bar * (1 - p_bar) / 100))
    assert at_80.lower_limit == 0  # p_bar - 3 sigma is negative at n = 80: clamped
    assert [i for i, p in enumerate(result.points) if p.outside_limits] == [10]
    assert result.points[10].rule == ABOVE_UCL
    assert result.points[10].special_cause == "concern"
    assert result.points[10].value == pytest.approx(20 / 110, rel=EXACT)


def test_montgomery_example_7_5_u_chart_per_50_units() -> None:
    counts = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
    metres = [500, 400, 650, 500, 475, 500, 600, 525, 600, 625]
    result = u_chart(counts, metres, improvement="decrease", multiplier=50)
    assert result.points[0].mean == pytest.approx(1.4232558, abs=5e-8)
    assert result.points[0].mean == pytest.approx(153 / 5375 * 50, rel=EXACT)
    # Roll 1 is 10 units of 50 square metres: 1.4233 -/+ 3 sqrt(1.4233 / 10).
    u = 153 / 5375 * 50
    assert result.points[0].upper_limit == pytest.approx(u + 3 * math.sqrt(u / 10), rel=EXACT)
    assert result.points[0].lower_limit == pytest.approx(u - 3 * math.sqrt(u / 10), rel=EXACT)
    assert result.points[0].value == pytest.approx(1.4, rel=EXACT)
    assert set(rules(result)) == {COMMON_CAUSE}


def test_u_chart_multiplier_only_rescales() -> None:
    counts = [3, 5, 2, 8, 4, 6, 1, 7]
    bed_days = [900, 1100, 950, 1000, 1050, 980, 1020, 990]
    per_day = u_chart(counts, bed_days, improvement="decrease")
    per_1000 = u_chart(counts, bed_days, improvement="decrease", multiplier=1000)
    assert rules(per_day) == rules(per_1000)
    for a, b in zip(per_day.points, per_1000.points, strict=True):
        assert b.value == pytest.approx(a.value * 1000, rel=EXACT)
        assert b.upper_limit == pytest.approx(a.upper_limit * 1000, rel=EXACT)
        assert b.lower_limit == pytest.approx(a.lower_limit * 1000, rel=EXACT)


def test_u_chart_worked_by_hand() -> None:
    # 4 events in 100 and 16 in 400: u = 20/500 = 0.04. At n = 100, sigma = sqrt(0.04/100)
    # = 0.02, limits 0.04 -/+ 0.06 -> lower clamped to 0, upper 0.10. At n = 400, sigma 0.01,
    # limits 0.01 and 0.07.
    result = u_chart([4, 16], [100, 400], improvement="decrease")
    first, second = result.points
    assert first.mean == pytest.approx(0.04, rel=EXACT)
    assert (first.lower_limit, first.upper_limit) == (0.0, pytest.approx(0.10, rel=EXACT))
    assert second.lower_limit == pytest.approx(0.01, rel=EXACT)
    assert second.upper_limit == pytest.approx(0.07, rel=EXACT)


def test_p_chart_limits_clamp_to_one() -> None:
    # p = 0.9 with n = 4: 0.9 + 3 sqrt(0.09/4) = 1.35 -> clamped to 1; nothing is above 1.
    result = p_chart([4, 3, 4, 3, 4], [4, 4, 4, 4, 4], improvement="increase")
    assert all(p.upper_limit == 1.0 for p in result.points)
    assert not any(p.outside_limits for p in result.points)


def test_attribute_chart_point_exactly_on_limit_is_not_outside() -> None:
    # u = 0.04; a period with n = 100 and 10 events sits on its upper limit 0.10.
    counts = [4, 16, 10]
    exposure = [100, 400, 100]
    result = u_chart(counts, exposure, improvement="decrease", fix_after=None)
    assert result.points[2].mean == pytest.approx(30 / 600, rel=EXACT)
    frozen = u_chart(
        [4, 16] * 6 + [10], [100, 400] * 6 + [100], improvement="decrease", fix_after=12
    )
    last = frozen.points[-1]
    assert last.upper_limit == pytest.approx(0.10, rel=EXACT)
    assert last.value == pytest.approx(0.10, rel=EXACT)
    assert not last.outside_limits
    assert last.close_to_limits  # above the 2-sigma line, 0.08


def test_attribute_chart_shift_and_trend_rules_apply() -> None:
    # Baseline: 10 of 100 each month (p = 0.1, sigma 0.03). Then 7 months at 13 of 100: all
    # above the mean, inside the 2-sigma line 0.16 -> a shift.
    result = p_chart([10] * 12 + [13] * 7, [100] * 19, improvement="increase", fix_after=12)
    assert rules(result)[12:] == [SHIFT_ABOVE] * 7
    assert result.variation == "improvement_high"
    trend = p_chart(
        [10] * 12 + [4, 5, 6, 7, 8, 9, 10], [100] * 19, improvement="increase", fix_after=12
    )
    assert rules(trend)[12:] == [TREND_INCREASING] * 7


def test_zero_denominator_is_skipped_by_the_rules() -> None:
    numerators = [10] * 12 + [13, 13, 13, 0, 13, 13, 13, 13]
    denominators = [100] * 12 + [100, 100, 100, 0, 100, 100, 100, 100]
    result = p_chart(numerators, denominators, improvement="increase", fix_after=12)
    gap = result.points[15]
    assert gap.value is None and gap.lower_limit is None and gap.upper_limit is None
    assert gap.rule == COMMON_CAUSE and gap.special_cause == "neither"
    assert rules(result)[12:15] == [SHIFT_ABOVE] * 3
    assert rules(result)[16:] == [SHIFT_ABOVE] * 4


def test_latest_zero_denominator_leaves_icons_to_the_last_defined_point() -> None:
    result = p_chart(
        [10] * 12 + [40, 0], [100] * 13 + [0], improvement="decrease", fix_after=12, target=0.02
    )
    assert result.variation == "concern_high"
    assert result.assurance == "inconsistent"


def test_attribute_rebase_recomputes_the_centre() -> None:
    result = p_chart([10] * 13 + [50] * 13, [100] * 26, improvement="increase", rebase_at=[13])
    assert result.points[0].mean == pytest.approx(0.1, rel=EXACT)
    assert result.points[13].mean == pytest.approx(0.5, rel=EXACT)
    assert set(rules(result)) == {COMMON_CAUSE}


@pytest.mark.parametrize(
    ("numerators", "denominators", "message"),
    [
        ([1, 2], [10], "differ in length"),
        ([-1], [10], "must not be negative"),
        ([1], [-10], "must not be negative"),
        ([11], [10], "exceeds its denominator"),
        ([0, 0], [0, 0], "has no denominator"),
        ([], [], "at least one"),
    ],
)
def test_p_chart_rejects_bad_input(numerators, denominators, message) -> None:
    with pytest.raises(ValueError, match=message):
        p_chart(numerators, denominators, improvement="increase")


def test_u_chart_rejects_bad_multiplier_and_fix_after() -> None:
    with pytest.raises(ValueError, match="multiplier must be positive"):
        u_chart([1], [10], improvement="increase", multiplier=0)
    with pytest.raises(ValueError, match="at least 12"):
        u_chart([1], [10], improvement="increase", fix_after=6)


# --------------------------------------------------------------------------------------------
# Run charts (SPC.md section 3 worked examples)


def test_run_chart_shift_skips_points_on_the_median() -> None:
    result = run_chart([4, 5, 3, 8, 5, 2, 7, 8, 6, 9, 7, 5, 9, 5, 4, 3, 5, 2, 4])
    assert result.median == 5
    assert result.useful_observations == 14
    assert result.runs == 5
    assert (result.runs_lower_limit, result.runs_upper_limit) == (4, 12)
    assert result.too_few_runs is False and result.too_many_runs is False
    assert [i for i, p in enumerate(result.points) if p.shift] == [6, 7, 8, 9, 10, 12]
    assert result.points[11].rule == RUN_NO_SIGNAL and not result.points[11].useful
    assert result.shift and not result.trend


def test_run_chart_trend_counts_ties_once() -> None:
    result = run_chart([10, 12, 11, 13, 14, 14, 15, 16, 12, 11, 13, 12], improvement="increase")
    assert result.median == 12.5
    assert [i for i, p in enumerate(result.points) if p.trend] == [2, 3, 4, 5, 6, 7]
    assert {result.points[i].rule for i in range(2, 8)} == {RUN_TREND_INCREASING}
    assert {result.points[i].special_cause for i in range(2, 8)} == {"improvement"}
    # Under the MDC rules the same series has no trend (the tie breaks it, and 7 are needed).
    assert TREND_INCREASING not in rules(
        xmr([10, 12, 11, 13, 14, 14, 15, 16, 12, 11, 13, 12], improvement="increase")
    )


def test_run_chart_too_few_runs() -> None:
    result = run_chart([3, 4, 3, 2, 4, 3, 2, 8, 9, 7, 8, 9, 7, 8], improvement="decrease")
    assert result.median == 5.5
    assert result.useful_observations == 14
    assert result.runs == 2
    assert result.too_few_runs is True and result.too_many_runs is False
    assert [p.rule for p in result.points] == [RUN_SHIFT_BELOW] * 7 + [RUN_SHIFT_ABOVE] * 7
    assert [p.special_cause for p in result.points] == ["improvement"] * 7 + ["concern"] * 7


def test_run_chart_too_many_runs() -> None:
    result = run_chart([5, 9, 4, 8, 3, 9, 5, 8, 4, 9, 3, 8, 5, 9])
    assert result.median == 6.5
    assert result.useful_observations == 14
    assert result.runs == 14
    assert result.too_many_runs is True and result.too_few_runs is False
    assert not result.shift and not result.trend


def test_run_chart_four_rises_of_five_points_are_a_trend_three_are_not() -> None:
    assert [p.trend for p in run_chart([5, 1, 2, 3, 4, 5, 0]).points] == [False] + [True] * 5 + [
        False
    ]
    assert not run_chart([5, 1, 2, 3, 4, 0]).trend
    falling = run_chart([1, 9, 8, 8, 7, 6, 5, 9])
    assert [p.rule for p in falling.points[1:7]] == [RUN_TREND_DECREASING] * 6


def test_run_chart_runs_test_only_where_the_table_is_verified() -> None:
    eight = run_chart(list(range(9)))
    assert eight.useful_observations == 8 and eight.too_few_runs is None
    sixteen = run_chart([1, 2] * 8)
    assert sixteen.useful_observations == 16
    assert sixteen.runs_lower_limit is None and sixteen.too_many_runs is None
    # N = 10 with 2 runs: fewer than 3 is too few.
    ten = run_chart([1] * 5 + [2] * 5)
    assert (ten.runs, ten.runs_lower_limit, ten.too_few_runs) == (2, 3, True)


def test_run_chart_frozen_median() -> None:
    result = run_chart([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 20], fix_after=12)
    assert result.median == 6.5
    assert result.points[-1].relative_to_median == 1


def test_run_chart_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        run_chart([])
    with pytest.raises(ValueError, match="fix_after"):
        run_chart([1, 2, 3], fix_after=0)


def test_run_chart_gives_point_types_and_the_variation_icon() -> None:
    # Five rises in a row at the end: a rising trend, an improvement where higher is better.
    values = [5, 6, 5, 6, 5, 6, 5, 1, 2, 3, 4, 9]
    better_up = run_chart(values, improvement="increase")
    assert [p.point_type for p in better_up.points[-5:]] == ["special_cause_improvement"] * 5
    assert better_up.points[0].point_type == "common_cause"
    assert better_up.variation == "improvement_high"
    better_down = run_chart(values, improvement="decrease")
    assert better_down.points[-1].point_type == "special_cause_concern"
    assert better_down.variation == "concern_high"
    neutral = run_chart(values)
    assert neutral.points[-1].point_type == "special_cause_neutral_high"
    assert neutral.variation == "neutral_high"
    assert run_chart([5, 6, 5, 6, 5, 6]).variation == "common_cause"


def test_every_rule_has_a_side_and_a_kind() -> None:
    from culture_of_care.improvement.spc import Rule, RuleKind, rule_kind, rule_side

    for rule in Rule:
        assert rule_side(rule) in (-1, 0, 1)
        assert (rule_kind(rule) == RuleKind.NONE) == (rule_side(rule) == 0), rule
    # Identifiers compare equal to the labels stored in Signal.rule.
    assert rule_kind("7 Point Trend (Decreasing)") == RuleKind.TREND
    assert rule_kind("5 Point Trend (Increasing)") == RuleKind.TREND
    assert rule_kind("6 Points Below Median") == RuleKind.SHIFT
    assert rule_side("2 in 3 Below CL") == -1
    assert rule_kind("") == RuleKind.NONE
