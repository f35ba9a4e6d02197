"""Funnel limits (Spiegelhalter 2005 exact Poisson limits, interpolated)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from culture_of_care.improvement import funnel


def test_interpolated_limit_matches_the_hand_worked_case():
    # Poisson(4): F(7) = 0.948866, F(8) = 0.978637, so y = 8 for p = 0.975 and
    # alpha = (0.978637 - 0.975) / 0.029770 = 0.1222: the limit is 7.878 episodes.
    y, f_y, f_below = funnel.poisson_quantile(0.975, 4.0)
    assert y == 8
    assert f_y == pytest.approx(0.978637, abs=1e-6)
    assert f_below == pytest.approx(0.948866, abs=1e-6)
    assert funnel.poisson_limit(0.975, 4.0) == pytest.approx(7.878, abs=1e-3)


def test_lower_limit_is_zero_for_a_tiny_ward():
    limits = funnel.limits_at(12.9, 100)  # 1.29 episodes expected
    assert limits.lower_998 == 0.0
    assert limits.upper_998 > limits.upper_95 > 12.9


def test_limits_approach_the_normal_approximation_for_large_wards():
    rate, exposure = 12.94, 90_000
    lam = rate / 1000 * exposure
    limits = funnel.limits_at(rate, exposure)
    normal = 1.959964 * math.sqrt(lam) / exposure * 1000
    assert limits.upper_95 - rate == pytest.approx(normal, rel=0.03)
    assert rate - limits.lower_95 == pytest.approx(normal, rel=0.03)


def test_position_against_the_funnel():
    limits = funnel.limits_at(10.0, 6000)
    assert funnel.position(10.0, limits) == funnel.WITHIN
    assert funnel.position(limits.upper_95 + 0.01, limits) == funnel.ABOVE_95
    assert funnel.position(limits.upper_998 + 0.01, limits) == funnel.ABOVE_998
    assert funnel.position(limits.lower_95 - 0.01, limits) == funnel.BELOW_95
    assert funnel.position(limits.upper_95, limits) == funnel.WITHIN  # on the line is inside


def test_pooled_rate_is_total_over_total():
    assert funnel.pooled_rate([1, 9], [1000, 1000]) == pytest.approx(5.0)
    assert funnel.pooled_rate([], []) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="exposure"):
        funnel.limits_at(10, 0)
    with pytest.raises(ValueError, match="p must"):
        funnel.poisson_quantile(1.0, 3)


@given(
    rate=st.floats(min_value=0.5, max_value=60),
    exposure=st.floats(min_value=2_000, max_value=200_000),
)
def test_funnel_is_nested_and_brackets_the_rate(rate, exposure):
    # With at least one episode expected (a discrete count's upper quantile can be 0 below).
    limits = funnel.limits_at(rate, exposure)
    assert 0 <= limits.lower_998 <= limits.lower_95 <= rate <= limits.upper_95 <= limits.upper_998


def test_funnel_narrows_as_exposure_grows():
    widths = [c.upper_998 - c.lower_998 for c in funnel.curve(12.0, 200, 100_000, points=12)]
    assert all(a > b for a, b in zip(widths, widths[1:], strict=False))
