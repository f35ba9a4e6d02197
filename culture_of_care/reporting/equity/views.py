"""Equity pages: national, a region, an organisation, a ward; each with its CSV."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from culture_of_care.access import get_visible_or_404, has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.downloads import csv_download
from culture_of_care.reporting.equity.selectors import Place, equity_for, ratio_text
from organisations.models import Organisation, Region
from wards.models import Ward


def _programme_only(request: HttpRequest) -> None:
    if not has_role(request.user, *PROGRAMME_WIDE):
        raise PermissionDenied("The national and regional equity views are for the programme team.")


def _organisation(request: HttpRequest, ods_code: str) -> Organisation:
    return get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())


def _ward(request: HttpRequest, pk: int) -> Ward:
    return get_visible_or_404(Ward.objects.select_related("organisation"), request.user, pk=pk)


def _place(
    request: HttpRequest, level: str, key: str | int | None
) -> tuple[Place, list[tuple[str, str]]]:
    crumbs = [("Home", reverse("home"))]
    if level == "national":
        _programme_only(request)
        return Place("national", "All wards in the programme"), crumbs
    if level == "region":
        _programme_only(request)
        names = dict(Region.choices)
        if key not in names:
            raise Http404("Not found")
        crumbs.append(("Equity: national", reverse("reporting:equity")))
        return Place("region", names[key], region=str(key)), crumbs
    if level == "organisation":
        org = _organisation(request, str(key))
        if has_role(request.user, *PROGRAMME_WIDE):
            crumbs.append(("Equity: national", reverse("reporting:equity")))
        return Place("organisation", org.name, organisation_id=org.pk), crumbs
    ward = _ward(request, int(key or 0))
    crumbs.append(
        (
            f"Equity: {ward.organisation.name}",
            reverse("reporting:equity_organisation", args=[ward.organisation.ods_code]),
        )
    )
    return Place(
        "ward",
        f"{ward.name}, {ward.organisation.name}",
        organisation_id=ward.organisation_id,
        ward_id=ward.pk,
    ), crumbs


def _page(request: HttpRequest, level: str, key: str | int | None = None) -> HttpResponse:
    place, crumbs = _place(request, level, key)
    items = equity_for(place, today=timezone.localdate())
    context: dict[str, Any] = {
        "place": place,
        "items": items,
        "breadcrumbs": crumbs,
        "csv_url": request.path + "equity.csv",
        "regions": Region.choices if level == "national" else [],
    }
    if level == "region":
        context["organisations"] = (
            Organisation.objects.visible_to(request.user).filter(region=key).order_by("name")
        )
    if level == "organisation":
        context["wards"] = (
            Ward.objects.visible_to(request.user)
            .filter(organisation_id=place.organisation_id)
            .order_by("name")
        )
    return render(request, "reporting/equity/page.html", context)


def _csv(request: HttpRequest, level: str, key: str | int | None = None) -> HttpResponse:
    """The page's tables as CSV through the dashboards' one writer (UTF-8 with a BOM, formula-like
    cells neutralised), with the same suppression as the page (the same selector builds both)."""
    place, _crumbs = _place(request, level, key)
    headers = ["Place", "Measure", "Period", "Group", "Count", "Denominator", "Rate"]
    headers.append("Rate ratio (95% CI)")
    rows = []
    for item in equity_for(place, today=timezone.localdate()):
        if item.table is None:
            continue
        for row in (*item.table.rows, item.table.total):
            rate = "*" if row.rate is None else f"{row.rate:.1f}"
            ratio = "Reference" if row.is_reference else ("" if not row.code else ratio_text(row))
            rows.append(
                [place.name, item.measure.name, item.period, row.name]
                + [row.numerator, row.denominator, rate, ratio]
            )
    return csv_download(headers, rows, f"equity-{level}.csv")


@login_required
def equity(request: HttpRequest) -> HttpResponse:
    return _page(request, "national")


@login_required
def equity_region(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, "region", code)


@login_required
def equity_organisation(request: HttpRequest, ods_code: str) -> HttpResponse:
    return _page(request, "organisation", ods_code)


@login_required
def equity_ward(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "ward", pk)


@login_required
def equity_csv(
    request: HttpRequest, level: str = "national", key: str | None = None
) -> HttpResponse:
    return _csv(request, level, key)
