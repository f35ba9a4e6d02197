"""Programme-level reporting pages: the MDC summary of every measure across all wards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from culture_of_care.access import get_visible_or_404
from culture_of_care.improvement.charts import selectors as chart_selectors
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.charts.views import Place, render_chart, render_summary
from culture_of_care.improvement.models import Measure
from culture_of_care.reporting import selectors


def programme_place(request: HttpRequest) -> Place:
    if not selectors.may_see_programme(request.user):
        raise PermissionDenied("The programme summary is for programme leads and admins.")
    return Place(
        kind="programme",
        key=None,
        scope=Scope.programme(),
        obj=None,
        can_edit=False,
        breadcrumbs=[("Home", reverse("home"))],
        caption="All wards in the programme",
    )


@login_required
def programme_summary(request: HttpRequest) -> HttpResponse:
    return render_summary(request, programme_place(request))


@login_required
def programme_chart(request: HttpRequest, measure_id: int) -> HttpResponse:
    place = programme_place(request)
    measure = get_visible_or_404(Measure, request.user, pk=measure_id)
    if not chart_selectors.measure_belongs_to(measure, place.scope):
        raise Http404("Not found")
    return render_chart(request, place, measure)
