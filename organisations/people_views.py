"""People pages for an organisation: who has which role, and changing it (issue 15 item 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from culture_of_care.access import get_editable_or_403
from culture_of_care.accounts.services import invitation_resend_to, invitation_revoke, site_url_of
from culture_of_care.history.selectors import person_history
from organisations import people
from organisations.forms import PersonRolesForm
from organisations.models import Organisation


def _organisation(request: HttpRequest, ods_code: str) -> Organisation:
    return get_editable_or_403(Organisation, request.user, ods_code=ods_code.upper())


def _person(organisation: Organisation, user_id: int) -> people.Person:
    person = people.person_in_organisation(organisation, user_id)
    if person is None:
        raise Http404("Not found")
    return person


@login_required
def people_list(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = _organisation(request, ods_code)
    return render(
        request,
        "organisations/people.html",
        {"organisation": organisation, "people": people.organisation_people(organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, ods_code: str, user_id: int) -> HttpResponse:
    organisation = _organisation(request, ods_code)
    person = _person(organisation, user_id)
    form = PersonRolesForm(
        request.POST or None,
        organisation=organisation,
        grantable=people.grantable_roles(request.user),
        actor_is_person=person.user.pk == request.user.pk,
        initial={"roles": sorted(person.org_roles), "wards": sorted(person.ward_ids)},
    )
    if request.method == "POST" and form.is_valid():
        changed = people.person_roles_set(
            actor=request.user,
            user=person.user,
            organisation=organisation,
            roles=set(form.cleaned_data["roles"]),
            ward_ids={w.id for w in form.cleaned_data["wards"]},
        )
        messages.success(
            request,
            f"{person.user.full_name}'s roles are saved." if changed else "Nothing was changed.",
        )
        return redirect("organisations:people", ods_code=organisation.ods_code)
    return render(
        request,
        "organisations/person.html",
        {
            "organisation": organisation,
            "person": person,
            "form": form,
            # history (issue 16 item 2): only leads and programme admins reach this page
            "history": person_history(person.user, organisation),
        },
    )


@login_required
@require_POST
def person_invitation(request: HttpRequest, ods_code: str, user_id: int) -> HttpResponse:
    """Resend or withdraw the invitation of someone who has not joined yet."""
    organisation = _organisation(request, ods_code)
    person = _person(organisation, user_id)
    if not person.invitation_pending:
        messages.error(request, f"{person.user.full_name} has already joined.")
    elif request.POST.get("action") == "revoke":
        invitation_revoke(user=person.user, actor=request.user, organisation_id=organisation.id)
        messages.success(request, f"The invitation for {person.user.email} no longer works.")
    else:
        invitation_resend_to(
            user=person.user,
            actor=request.user,
            organisation_id=organisation.id,
            site_url=site_url_of(request),
        )
        messages.success(request, f"We have sent a new invitation to {person.user.email}.")
    return redirect("organisations:person", ods_code=organisation.ods_code, user_id=user_id)


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, ods_code: str, user_id: int) -> HttpResponse:
    organisation = _organisation(request, ods_code)
    person = _person(organisation, user_id)
    if person.user.pk == request.user.pk:
        messages.error(request, "You cannot deactivate yourself. Ask another lead.")
        return redirect("organisations:person", ods_code=organisation.ods_code, user_id=user_id)
    if request.method == "POST":
        people.person_deactivate(actor=request.user, user=person.user, organisation=organisation)
        messages.success(
            request, f"{person.user.full_name} no longer has any role in {organisation.name}."
        )
        return redirect("organisations:people", ods_code=organisation.ods_code)
    return render(
        request,
        "organisations/person_deactivate.html",
        {"organisation": organisation, "person": person},
    )
