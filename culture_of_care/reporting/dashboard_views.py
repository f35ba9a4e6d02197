"""Dashboard pages (national, region, organisation, ward) and their exports.

Each page has the same layout and reads snapshots through ``dashboards``; exports resolve the
scope the same way, so they follow the page's access and suppression.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from culture_of_care.access import (
    Domain,
    edit_reach,
    ensure_may_change_in,
    get_visible_or_404,
)
from culture_of_care.downloads import csv_download
from culture_of_care.improvement import services, windows
from culture_of_care.improvement.models import Measure
from culture_of_care.reporting import chart_adapter, dashboards, exports
from culture_of_care.reporting.forms import WardTargetForm
from culture_of_care.reporting.funnel_svg import funnel_svg
from wards.models import Ward

# The barrier panel (issue 13) plugs in here when its template exists.
BARRIER_PANEL = "organisations/barriers/_barrier_panel.html"

WARDS_PER_PAGE = 50
SORT_LABELS = {
    "ward": "Ward",
    "organisation": "Organisation",
    "service": "Service type",
    "rate": "Restrictive practice rate",
    "progress": "Progress score",
    "reported": "Last month reported",
    "contact": "Last coaching contact",
}


def _loaded(request: HttpRequest, level: str, key: str = ""):
    errors: list[str] = []
    if level == "programme":
        filters, errors = dashboards.filters_from(request.GET)
        return dashboards.load_programme(request.user, filters), errors
    if level == "region":
        filters, errors = dashboards.filters_from(request.GET, region=key)
        return dashboards.load_region(request.user, key, filters), errors
    if level == "organisation":
        return dashboards.load_organisation(request.user, key), errors
    if level == "ward":
        return dashboards.load_ward(request.user, int(key)), errors
    raise Http404("Not found")


def _barrier_panel(request: HttpRequest, level: str, loaded: Any) -> dict[str, Any] | None:
    """The middle tier's barriers panel (organisations.selectors) for the national and an
    organisation's dashboard; the dashboard has already decided the reader may see it."""
    from organisations.models import Organisation
    from organisations.selectors import barrier_panel_for

    if level == "programme":
        return barrier_panel_for(None)
    if level == "organisation":
        organisation = (
            Organisation.objects.visible_to(request.user).filter(pk=loaded.organisation_id).first()
        )
        return barrier_panel_for(organisation) if organisation else None
    return None


def _barrier_template() -> str:
    try:
        get_template(BARRIER_PANEL)
    except TemplateDoesNotExist:
        return ""
    return BARRIER_PANEL


def _sort_headers(request: HttpRequest, sort: str, descending: bool, base: str) -> list[dict]:
    headers = []
    for key, label in SORT_LABELS.items():
        current = key == sort
        direction = "asc" if (not current or descending) else "desc"
        params = request.GET.copy()
        params["sort"] = key
        params["dir"] = direction
        headers.append(
            {
                "key": key,
                "label": label,
                "href": f"{base}?{params.urlencode()}#wards",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "action": f"sort {'descending' if direction == 'desc' else 'ascending'}",
            }
        )
    return headers


def _page(
    request: HttpRequest, level: str, key: str = "", extra: dict | None = None, status: int = 200
) -> HttpResponse:
    loaded, errors = _loaded(request, level, key)
    today = timezone.localdate()
    measures = dashboards.national_measures()
    sort = request.GET.get("sort", "ward")
    if sort not in SORT_LABELS:
        sort = "ward"
    descending = request.GET.get("dir") == "desc"
    context = {
        "loaded": loaded,
        "level": level,
        "filter_errors": errors,
        "today": today,
        "measures": measures,
        "barrier_template": _barrier_template() if level in ("programme", "organisation") else "",
        "barrier_panel": _barrier_panel(request, level, loaded),
        "export_base": request.path.rstrip("/") + "/export/",
        "filter_query": loaded.filters.query(),
        "deadline_day": windows.deadline_day(),
        "threshold": f"{dashboards.threshold():.0%}",
    }
    if level == "ward":
        context["figures"] = dashboards.ward_figures(loaded, today)
        context["currency_month"], context["missing"] = dashboards.data_currency(loaded, today)
        context["can_set_targets"] = edit_reach(request.user, "qi").covers(
            organisation_id=loaded.organisation_id, ward_id=int(key)
        )
        context.update(extra or {})
        return render(request, "reporting/ward_dashboard.html", context, status=status)
    funnel = dashboards.funnel_for(loaded, measures)
    # Sorted whole, detailed only for the page shown (a national table has thousands of wards).
    ward_page = Paginator(
        dashboards.ward_table(loaded, measures, sort, descending, details=False), WARDS_PER_PAGE
    ).get_page(request.GET.get("page"))
    dashboards.ward_table_details(ward_page.object_list, measures)
    context.update(
        {
            "figures": dashboards.scope_figures(loaded, today),
            "reach": dashboards.reach_figures(loaded),
            "activity": dashboards.activity_figures(loaded, today),
            "progress": dashboards.progress_figures(loaded, today),
            "coaching": dashboards.coaching_figures(loaded, today),
            "risk": dashboards.risk_figures(loaded),
            "drill": dashboards.drill_down(loaded),
            "ward_page": ward_page,
            "sort_headers": _sort_headers(request, sort, descending, request.path),
            "funnel": funnel,
            "icon_symbols": chart_adapter.icon_symbols(),
            "funnel_svg": funnel_svg(funnel, element_id="funnel", describedby="funnel-summary"),
            "options": dashboards.filter_options() if level in ("programme", "region") else {},
            "cohorts": dashboards.cohort_options(loaded),
            "organisation": loaded.payload.get("organisation") if level == "organisation" else None,
        }
    )
    context["ward_rows"] = context["ward_page"].object_list
    params = request.GET.copy()
    params.pop("page", None)
    context["page_query"] = params.urlencode()
    context["currency_month"], context["missing"] = dashboards.data_currency(loaded, today)
    return render(request, "reporting/dashboard.html", context)


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    return _page(request, "programme")


@login_required
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, "region", code)


@login_required
@require_GET
def organisation(request: HttpRequest, ods_code: str) -> HttpResponse:
    return _page(request, "organisation", ods_code)


@login_required
@require_GET
def ward(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "ward", str(pk))


@login_required
@require_POST
def ward_target(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    """Set or clear the ward's own target for a measure, or take it from the ward's aim."""
    ward_obj = get_visible_or_404(Ward, request.user, pk=pk)
    ensure_may_change_in(ward_obj, request.user, Domain.QI)
    measure = get_visible_or_404(Measure.objects.national(), request.user, pk=measure_id)
    form = WardTargetForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(next(iter(form.errors.values()))[0])
        if form.cleaned_data["action"] == "aim":
            services.ward_target_from_aim(actor=request.user, ward=ward_obj, measure=measure)
        else:
            services.ward_target_set(
                actor=request.user,
                ward=ward_obj,
                measure=measure,
                target=form.cleaned_data["target"],
                note=form.cleaned_data["note"],
            )
    except ValidationError as exc:
        element = f"target-{measure.code or measure.pk}"
        return _page(
            request,
            "ward",
            str(pk),
            extra={
                "has_errors": True,
                "target_error": {"measure_id": measure.pk, "text": exc.messages[0], "id": element},
            },
            status=400,
        )
    messages.success(request, f"Saved the target for {measure.name}. The charts update shortly.")
    return redirect(reverse("dashboards:ward", args=[pk]) + f"#chart-{measure.code or measure.pk}")


TABLES = ("wards", "measures", "currency")


def _export(request: HttpRequest, level: str, key: str, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("Not found")
    loaded, _ = _loaded(request, level, key)
    today = timezone.localdate()
    measures = dashboards.national_measures()
    if table == "wards":
        if level == "ward":
            raise Http404("Not found")
        headers, rows = exports.ward_table_rows(dashboards.ward_table(loaded, measures), measures)
    elif table == "measures":
        figures = (
            dashboards.ward_figures(loaded, today)
            if level == "ward"
            else dashboards.scope_figures(loaded, today)
        )
        headers, rows = exports.measure_rows(figures)
    else:
        headers, rows = exports.currency_rows(dashboards.data_currency(loaded, today)[1])
    slug = f"{loaded.title}-{table}".lower().replace(" ", "-")
    slug = "".join(c for c in slug if c.isalnum() or c == "-")[:80]
    if fmt == "csv":
        return csv_download(headers, rows, f"{slug}.csv")
    response = HttpResponse(
        exports.to_xlsx(table.capitalize(), headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


@login_required
@require_GET
def national_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    return _export(request, "programme", "", table, fmt)


@login_required
@require_GET
def region_export(request: HttpRequest, code: str, table: str, fmt: str) -> HttpResponse:
    return _export(request, "region", code, table, fmt)


@login_required
@require_GET
def organisation_export(request: HttpRequest, ods_code: str, table: str, fmt: str) -> HttpResponse:
    return _export(request, "organisation", ods_code, table, fmt)


@login_required
@require_GET
def ward_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    return _export(request, "ward", str(pk), table, fmt)


def dashboard_url_for(level: str, key: str = "") -> str:
    names = {"programme": "national", "region": "region", "organisation": "organisation"}
    if level == "programme":
        return reverse("dashboards:national")
    return reverse(f"dashboards:{names.get(level, 'ward')}", args=[key])
