"""The funnel plot as server-rendered SVG (presentation attributes only: no styles, no script).

Bed days along the bottom (a log scale, so small and large wards both have room), the rate up
the side, the national rate as a solid line and the 95% and 99.8% limits as dashed and dotted
curves. Points outside a limit have their own shapes, so nothing rests on colour. The page's
table holds every number; the SVG is ``role="img"`` described by the written summary.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from culture_of_care.improvement import funnel

TEXT = "#212b32"
SECONDARY = "#4c6272"
GRID = "#d8dde0"
BLUE = "#005eb8"
ORANGE = "#e46c0a"
GREY = "#a6a6a6"
WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 60


def _ticks(low: float, high: float) -> list[float]:
    out = []
    for power in range(int(math.floor(math.log10(low))), int(math.ceil(math.log10(high))) + 1):
        for step in (1, 2, 5):
            value = step * 10**power
            if low <= value <= high:
                out.append(float(value))
    return out


def funnel_svg(result: Any, *, element_id: str = "funnel", describedby: str = "") -> SafeString:
    """The funnel of a ``dashboards.Funnel``."""
    points = result.points
    title = f"Funnel plot: {result.measure.name if result.measure else ''}"
    labelled = f'aria-labelledby="{element_id}-title"' + (
        f' aria-describedby="{escape(describedby)}"' if describedby else ""
    )
    head = (
        f'<svg id="{escape(element_id)}" class="app-chart app-funnel" role="img" {labelled} '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Frutiger W01, Arial, sans-serif" '
        f'font-size="12"><title id="{element_id}-title">{escape(title)}</title>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
    )
    if not points or not result.curve or result.national_rate is None:
        return mark_safe(  # noqa: S308 - constants and escaped text
            head + f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
            f'fill="{SECONDARY}">Not enough data for a funnel plot yet</text></svg>'
        )
    x_low = result.curve[0].exposure
    x_high = result.curve[-1].exposure
    y_values = [p.rate for p in points] + [c.upper_998 for c in result.curve]
    y_high = max(y_values) * 1.08 or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(v: float) -> float:
        span = math.log(x_high) - math.log(x_low) or 1.0
        return LEFT + (math.log(max(v, x_low)) - math.log(x_low)) / span * plot_w

    def y_of(v: float) -> float:
        return TOP + plot_h - min(max(v, 0.0), y_high) / y_high * plot_h

    parts = [head]
    for i in range(6):
        v = y_high * i / 5
        y = y_of(v)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{SECONDARY}">'
            f"{v:,.0f}</text>"
        )
    base = TOP + plot_h
    for t in _ticks(x_low, x_high):
        x = x_of(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" stroke="{TEXT}"/>'
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle" fill="{TEXT}">{t:,.0f}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{TEXT}"/>'
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 22}" text-anchor="middle" fill="{TEXT}">'
        f"Occupied bed days (12 months, log scale)</text>"
        f'<text x="{LEFT}" y="12" fill="{SECONDARY}">Rate per 1,000 occupied bed days</text>'
    )
    y = y_of(result.national_rate)
    parts.append(
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{TEXT}" '
        f'stroke-width="2"/>'
    )
    for attr, dash in (("95", "6 4"), ("998", "2 3")):
        for side in ("upper", "lower"):
            path = " ".join(
                f"{x_of(c.exposure):.1f},{y_of(getattr(c, f'{side}_{attr}')):.1f}"
                for c in result.curve
            )
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{SECONDARY}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}"/>'
            )
    for p in points:
        x, yv = x_of(p.exposure), y_of(p.rate)
        if p.position in (funnel.ABOVE_998, funnel.ABOVE_95):
            r = 6
            parts.append(
                f'<path d="M{x:.1f} {yv - r:.1f}L{x + r:.1f} {yv:.1f}L{x:.1f} {yv + r:.1f}'
                f'L{x - r:.1f} {yv:.1f}Z" fill="{ORANGE}" stroke="{TEXT}" stroke-width="1"/>'
            )
        elif p.position in (funnel.BELOW_998, funnel.BELOW_95):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{yv:.1f}" r="5" fill="{BLUE}" stroke="{TEXT}" '
                f'stroke-width="1"/>'
            )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{yv:.1f}" r="3.5" fill="{GREY}" stroke="{TEXT}" '
                f'stroke-width="0.8"/>'
            )
    legend = [
        (f'<line x1="0" y1="0" x2="20" y2="0" stroke="{TEXT}" stroke-width="2"/>', "National rate"),
        (
            f'<line x1="0" y1="0" x2="20" y2="0" stroke="{SECONDARY}" stroke-width="1.5" '
            f'stroke-dasharray="6 4"/>',
            "95% limits",
        ),
        (
            f'<line x1="0" y1="0" x2="20" y2="0" stroke="{SECONDARY}" stroke-width="1.5" '
            f'stroke-dasharray="2 3"/>',
            "99.8% limits",
        ),
    ]
    for i, (sample, text) in enumerate(legend):
        parts.append(
            f'<g transform="translate({LEFT + i * 200},{HEIGHT - 6})">{sample}'
            f'<text x="26" y="4" fill="{TEXT}">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only
