"""Funnel plot limits for rates against exposure, in plain Python (no Django).

Wards of different sizes are compared with the national rate, not with each other: a small ward's
rate swings more by chance, so its limits are wider. For a ward with exposure ``n`` (occupied bed
days) and the national rate ``theta`` (episodes per bed day), the count of episodes expected by
chance alone is Poisson with mean ``lambda = theta x n``.

The limits are the exact Poisson ones of Spiegelhalter, "Funnel plots for comparing institutional
performance", Statistics in Medicine 2005;24:1185-1202, Appendix A.1.1: for a probability ``p``,
take the Poisson quantile ``y_p`` (the smallest count whose cumulative probability reaches ``p``)
and interpolate between it and the count below, so the limits are smooth in ``n``:

    alpha = (F(y_p) - p) / (F(y_p) - F(y_p - 1))        limit = (y_p - alpha) / n

The two funnels drawn are 95% (p = 0.025 and 0.975, about 2 standard deviations) and 99.8%
(p = 0.001 and 0.999, about 3). A point outside the 99.8% funnel is unlikely to be chance alone;
inside the 95% funnel, a ward's rate is consistent with the national rate. This is context for a
conversation, not a ranking: nothing here orders wards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = (0.95, 0.998)


def poisson_pmf(k: int, lam: float) -> float:
    if lam <= 0:
        return 1.0 if k == 0 else 0.0
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def poisson_quantile(p: float, lam: float) -> tuple[int, float, float]:
    """(y, F(y), F(y - 1)): the smallest count y with F(y) >= p and the two cumulative values."""
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    if lam < 0 or not math.isfinite(lam):
        raise ValueError("lambda must be a finite number, at least 0")
    # The mass more than 12 sd below or above lambda is far below any p used here, so the sum
    # starts there (the pmf by recursion, one lgamma) and large wards stay fast.
    spread = 12 * math.sqrt(lam) + 30
    k = max(0, int(lam - spread))
    stop = int(lam + spread)
    pmf = poisson_pmf(k, lam)
    cumulative, previous = 0.0, 0.0
    while k <= stop:
        previous = cumulative
        cumulative += pmf
        if cumulative >= p:
            return k, cumulative, previous
        k += 1
        pmf *= lam / k
    return stop, 1.0, previous


def poisson_limit(p: float, lam: float) -> float:
    """The interpolated Poisson limit on the count scale (Spiegelhalter 2005, A.1.1)."""
    y, f_y, f_below = poisson_quantile(p, lam)
    step = f_y - f_below
    alpha = (f_y - p) / step if step > 0 else 0.0
    return max(0.0, y - alpha)


@dataclass(frozen=True)
class Limits:
    """Rate limits (in the display unit, e.g. per 1,000 bed days) at one exposure."""

    exposure: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


def limits_at(rate: float, exposure: float, *, multiplier: float = 1000.0) -> Limits:
    """Funnel limits at ``exposure`` around ``rate`` (given per ``multiplier`` units)."""
    if exposure <= 0:
        raise ValueError("exposure must be more than 0")
    if rate < 0:
        raise ValueError("rate cannot be negative")
    lam = rate / multiplier * exposure

    def scaled(count: float) -> float:
        return count / exposure * multiplier

    return Limits(
        exposure=exposure,
        lower_95=scaled(poisson_limit(0.025, lam)),
        upper_95=scaled(poisson_limit(0.975, lam)),
        lower_998=scaled(poisson_limit(0.001, lam)),
        upper_998=scaled(poisson_limit(0.999, lam)),
    )


def pooled_rate(counts: Sequence[float], exposures: Sequence[float], multiplier: float = 1000.0):
    """The overall rate: total count over total exposure (not the mean of the rates)."""
    total = sum(exposures)
    if total <= 0:
        return None
    return sum(counts) / total * multiplier


ABOVE_998 = "above_998"
ABOVE_95 = "above_95"
WITHIN = "within"
BELOW_95 = "below_95"
BELOW_998 = "below_998"

POSITION_LABELS = {
    ABOVE_998: "Above the 99.8% limit",
    ABOVE_95: "Above the 95% limit",
    WITHIN: "Within the 95% limits",
    BELOW_95: "Below the 95% limit",
    BELOW_998: "Below the 99.8% limit",
}


def position(value: float, limits: Limits) -> str:
    """Where a rate sits against the funnel. A value exactly on a limit counts as inside."""
    if value > limits.upper_998:
        return ABOVE_998
    if value > limits.upper_95:
        return ABOVE_95
    if value < limits.lower_998:
        return BELOW_998
    if value < limits.lower_95:
        return BELOW_95
    return WITHIN


def curve(
    rate: float, low: float, high: float, *, points: int = 40, multiplier: float = 1000.0
) -> list[Limits]:
    """Limits at ``points`` exposures spread evenly on a log scale between low and high."""
    if low <= 0 or high < low:
        raise ValueError("exposures must be positive, low no more than high")
    if points < 2 or high == low:
        return [limits_at(rate, low, multiplier=multiplier)]
    ratio = (high / low) ** (1 / (points - 1))
    return [limits_at(rate, low * ratio**i, multiplier=multiplier) for i in range(points)]
