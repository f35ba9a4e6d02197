"""Ward pages: the list and each ward's home (its QI work at a glance)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from culture_of_care import panels
from culture_of_care.access import Domain, get_visible_or_404, may_change_in
from culture_of_care.improvement import selectors as improvement_selectors
from wards.forms import WardFilterForm
from wards.models import Ward


@login_required
def ward_list(request: HttpRequest) -> HttpResponse:
    form = WardFilterForm(request.GET or None)
    wards = Ward.objects.visible_to(request.user).select_related(
        "organisation", "service_type", "qi_coach"
    )
    if form.is_valid():
        wards = form.filter(wards)
    page = Paginator(wards, 50).get_page(request.GET.get("page"))
    return render(request, "wards/list.html", {"page": page, "filter_form": form})


@login_required
def ward_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ward = get_visible_or_404(
        Ward.objects.select_related("organisation", "service_type", "qi_coach"),
        request.user,
        pk=pk,
    )
    can_edit_qi = may_change_in(ward, request.user, Domain.QI)
    # The ward's most common task, "Enter this month's data", leads the page for its editors.
    data_project = improvement_selectors.ward_project(ward) if can_edit_qi else None
    team = ward.role_assignments.current().select_related("user").order_by("user__full_name")
    return render(
        request,
        "wards/detail.html",
        {
            "ward": ward,
            "team": team,
            "lived_experience_count": sum(1 for a in team if a.user.lived_experience),
            "can_edit_qi": can_edit_qi,
            "data_project": data_project,
            "panels": panels.render_context("ward", request.user, ward),
        },
    )
