"""Pages of the middle tier's barrier loop.

Wards raise barriers; organisation leads work through their queue; the board sees what is
stuck; programme leads see the themes. Every page starts from the access layer: outside reach
is a 404, a reachable page the role may not use is a 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from culture_of_care.access import get_visible_or_404
from organisations import barrier_forms, selectors, services
from organisations.barrier_forms import ACTIONS
from organisations.models import Barrier, Organisation
from wards.models import Ward


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _organisation(request: HttpRequest, ods_code: str) -> Organisation:
    return get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())


@login_required
def barrier_raise(request: HttpRequest, ods_code: str, ward_pk: int) -> HttpResponse:
    """A ward's team member or QI coach raises a barrier for that ward."""
    ward = get_visible_or_404(
        Ward.objects.select_related("organisation"),
        request.user,
        pk=ward_pk,
        organisation__ods_code=ods_code.upper(),
    )
    if not selectors.can_raise(request.user, ward):
        raise PermissionDenied("Barriers are raised by the ward's team and its QI coach.")
    ideas, cycles = selectors.raise_choices(ward, request.user)
    form = barrier_forms.BarrierRaiseForm(
        request.POST if request.method == "POST" else None,
        instance=Barrier(organisation=ward.organisation, ward=ward),
        ideas=ideas,
        cycles=cycles,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            barrier = services.barrier_raise(
                actor=request.user,
                ward=ward,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                impact=data["impact"],
                commitments=data["commitments"],
                blocked_idea=data["blocked_idea"],
                blocked_cycle=data["blocked_cycle"],
                with_lived_experience=data["with_lived_experience"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Barrier raised: {barrier.title}. {ward.organisation.name}'s middle-tier team "
                "will see it in their queue, and you will see their response on this page.",
            )
            return redirect(reverse("wards:detail", args=[ward.pk]) + "#you-said-we-did")
    return render(request, "organisations/barriers/raise.html", {"ward": ward, "form": form})


@login_required
def barrier_detail(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    barrier = selectors.barrier_detail(request.user, pk, ods_code)
    return render(
        request,
        "organisations/barriers/detail.html",
        {
            "barrier": barrier,
            "organisation": barrier.organisation,
            "show_names": selectors.can_see_names(request.user, barrier),
            "can_act": selectors.can_act(request.user, barrier) and barrier.is_open,
            "can_see_queue": selectors.can_see_queue(request.user, barrier.organisation),
            "actions": ACTIONS,
        },
    )


@login_required
def barrier_action(request: HttpRequest, ods_code: str, pk: int, action: str) -> HttpResponse:
    """One step the middle tier takes on a barrier (organisation leads)."""
    barrier = selectors.barrier_detail(request.user, pk, ods_code)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404("No such step")
    if not selectors.can_act(request.user, barrier):
        raise PermissionDenied("Barriers are acted on by the organisation's middle-tier team.")
    detail_url = reverse("organisations:barrier_detail", args=[barrier.organisation.ods_code, pk])
    if not barrier.is_open:
        messages.error(request, "This barrier is closed: it cannot be changed.")
        return redirect(detail_url)
    kwargs: dict[str, Any] = {}
    if step.form is barrier_forms.LinkForm:
        ideas, cycles = selectors.middle_tier_choices(barrier.organisation, request.user)
        kwargs = {"ideas": ideas, "cycles": cycles}
    initial: dict[str, Any] = {}
    if step.slug == "plan" and barrier.plan_owner:
        initial = {
            "owner": barrier.plan_owner,
            "due_on": barrier.plan_due_on,
            "plan": barrier.plan_text,
        }
    form = step.form(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.barrier_take_step(
                actor=request.user, barrier=barrier, step=step.slug, data=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, step.done)
            return redirect(detail_url)
    return render(
        request,
        "organisations/barriers/action.html",
        {
            "barrier": barrier,
            "organisation": barrier.organisation,
            "step": step,
            "form": form,
            "escalation_weeks": settings.BARRIER_ESCALATION_WEEKS,
        },
    )


@login_required
def barrier_queue(request: HttpRequest, ods_code: str) -> HttpResponse:
    """The organisation's barriers for its middle-tier team: newest, or oldest untouched."""
    organisation = _organisation(request, ods_code)
    if not selectors.can_see_queue(request.user, organisation):
        raise PermissionDenied("The barrier queue is for the organisation's middle-tier team.")
    form = barrier_forms.QueueFilterForm(request.GET or None)
    order, status = "newest", "open"
    if form.is_valid():
        order = form.cleaned_data["order"] or order
        status = form.cleaned_data["status"] or status
    barriers = selectors.barrier_queue(request.user, organisation, order=order, status=status)
    page = Paginator(barriers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/barriers/queue.html",
        {
            "organisation": organisation,
            "page": page,
            "filter_form": form,
            "order": order,
            "status": status,
            "can_see_board": selectors.can_see_board(request.user, organisation),
        },
    )


@login_required
def board_list(request: HttpRequest, ods_code: str) -> HttpResponse:
    """What is stuck, for the organisation's board: summary and ageing, never names."""
    organisation = _organisation(request, ods_code)
    if not selectors.can_see_board(request.user, organisation):
        raise PermissionDenied("The board's list is for the organisation's executives.")
    return render(
        request,
        "organisations/barriers/board.html",
        {
            "organisation": organisation,
            "barriers": list(selectors.board_barriers(request.user, organisation)),
            "escalation_weeks": settings.BARRIER_ESCALATION_WEEKS,
        },
    )


@login_required
def barrier_themes(request: HttpRequest) -> HttpResponse:
    """Barrier themes across the programme (programme leads and admins)."""
    if not selectors.can_see_themes(request.user):
        raise PermissionDenied("Barrier themes are for the programme team.")
    themes = selectors.barrier_themes(Barrier.objects.visible_to(request.user))
    return render(request, "organisations/barriers/themes.html", {"themes": themes})
