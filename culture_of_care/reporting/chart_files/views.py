"""Every chart as a file for slides: SVG and PNG, with its title, period and source line."""

from __future__ import annotations

import re
from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from culture_of_care.access import get_visible_or_404, has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.improvement.charts.results import Chart, Scope
from culture_of_care.improvement.charts.selectors import chart_for, measure_belongs_to
from culture_of_care.improvement.charts.svg import chart_svg
from culture_of_care.improvement.models import Measure
from organisations.models import Organisation
from wards.models import Ward

WIDTH = 900
HEADER = 70
FOOTER = 36
PNG_WIDTH = 1800  # twice the SVG's width: sharp on a slide


def _scope(request: HttpRequest, kind: str, key: str) -> Scope:
    if kind == "ward" and key.isdigit():
        ward = get_visible_or_404(
            Ward.objects.select_related("organisation"), request.user, pk=int(key)
        )
        return Scope.for_ward(ward)
    if kind == "organisation":
        return Scope.for_organisation(
            get_visible_or_404(Organisation, request.user, ods_code=key.upper())
        )
    if kind == "programme" and has_role(request.user, *PROGRAMME_WIDE):
        return Scope.programme()
    raise Http404("Not found")


def _framed_svg(chart: Chart, scope: Scope) -> str:
    """The chart with a title, its period and the source line, as one standalone SVG."""
    inner = str(chart_svg(chart, element_id="chart", width=WIDTH))
    match = re.search(r'viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"', inner)
    height = float(match.group(2)) if match else 400.0
    inner = inner.replace(
        'width="100%"', f'x="0" y="{HEADER}" width="{WIDTH}" height="{height:.0f}"', 1
    )
    points = chart.valued_points
    period = f"{points[0].label} to {points[-1].label}" if points else "No data yet"
    title = f"{chart.measure.name}: {scope.label}" if scope.label else chart.measure.name
    computed = timezone.localtime().strftime("%d %B %Y")
    total = HEADER + height + FOOTER
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{total:.0f}" '
        f'viewBox="0 0 {WIDTH} {total:.0f}" font-family="DejaVu Sans, Arial, sans-serif">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="16" y="30" font-size="20" font-weight="bold" fill="#212b32">{escape(title)}</text>'
        f'<text x="16" y="54" font-size="14" fill="#4c6272">{escape(period)} ({escape(chart.chart_name)})</text>'
        f"{inner}"
        f'<text x="16" y="{total - 12:.0f}" font-size="12" fill="#4c6272">'
        f"Source: Culture of Care, figures computed {escape(computed)}</text></svg>"
    )


@login_required
def chart_file(
    request: HttpRequest, kind: str, key: str, measure_id: int, fmt: str
) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404("Not found")
    scope = _scope(request, kind, key)
    measure = Measure.objects.visible_to(request.user).filter(pk=measure_id).first()
    if measure is None or not measure_belongs_to(measure, scope):
        raise Http404("Not found")
    chart = chart_for(scope, measure, with_annotations=False)
    svg = _framed_svg(chart, scope)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{measure.name} {scope.label}".lower()).strip("-")[:80]
    if fmt == "svg":
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    else:
        import cairosvg

        png = cairosvg.svg2png(bytestring=svg.encode(), output_width=PNG_WIDTH, unsafe=False)
        response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{slug or "chart"}.{fmt}"'
    return response
