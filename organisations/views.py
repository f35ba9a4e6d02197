"""Organisation pages: the list, one organisation, and inviting people to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from culture_of_care import panels
from culture_of_care.access import can_edit, get_editable_or_403, get_visible_or_404
from culture_of_care.accounts.services import invitations_manageable_by, site_url_of
from organisations import services
from organisations.forms import InviteWardMemberForm, OrganisationFilterForm
from organisations.models import Organisation
from wards.models import Ward


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = (
        Organisation.objects.visible_to(request.user)
        .annotate(ward_total=Count("wards", distinct=True), bed_total=Sum("wards__beds"))
        .order_by("name")
    )
    if form.is_valid():
        organisations = form.filter(organisations)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "organisations/list.html", {"page": page, "filter_form": form})


@login_required
def organisation_detail(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())
    wards = (
        Ward.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("service_type", "qi_coach")
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "wards": wards,
            "can_manage": can_edit(organisation, request.user),
            "panels": panels.render_context("organisation", request.user, organisation),
        },
    )


@login_required
def invite_ward_member(request: HttpRequest, ods_code: str) -> HttpResponse:
    """Organisation leads invite ward team members to their own organisation's wards."""
    organisation = get_editable_or_403(Organisation, request.user, ods_code=ods_code.upper())
    form = InviteWardMemberForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        user, created = services.ward_member_invite(
            actor=request.user,
            organisation=organisation,
            ward=form.cleaned_data["ward"],
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            lived_experience=form.cleaned_data["lived_experience"],
            site_url=site_url_of(request),
        )
        if created:
            messages.success(request, f"We have sent an invitation to {user.email}.")
        else:
            messages.success(
                request, f"{user.email} already has an account and is now on that ward's team."
            )
        return redirect("organisations:detail", ods_code=organisation.ods_code)
    pending = (
        invitations_manageable_by(request.user)
        .filter(organisation=organisation, accepted_at__isnull=True)
        .order_by("user__full_name", "-created_at")
    )
    return render(
        request,
        "organisations/invite.html",
        {"organisation": organisation, "form": form, "pending": pending},
    )
