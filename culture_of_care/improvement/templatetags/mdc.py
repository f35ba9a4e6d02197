"""Template tags that draw charts and the Making Data Count icons: ``{% load mdc %}``.

The chart results are plain data; these tags hand them to ``charts.svg``.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from culture_of_care.improvement.charts import svg
from culture_of_care.improvement.charts.results import Chart

register = template.Library()


@register.simple_tag
def variation_icon(chart: Chart | None, size: int = 40) -> SafeString:
    """The MDC variation icon of a chart (nothing when it has no data)."""
    return svg.variation_icon(chart.variation if chart else None, size)


@register.simple_tag
def assurance_icon(chart: Chart | None, size: int = 40) -> SafeString:
    """The MDC assurance icon of a chart (nothing without a target)."""
    return svg.assurance_icon(chart.assurance if chart else None, size)


@register.simple_tag
def spc_chart(chart: Chart, element_id: str = "chart", describedby: str = "") -> SafeString:
    """The chart as accessible SVG, legend included."""
    return svg.chart_svg(chart, element_id=element_id, describedby=describedby)
