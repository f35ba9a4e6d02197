"""PDSA cycles: planned, done, studied and acted on in stages, listed and shown as a timeline."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from culture_of_care.access import can_edit
from culture_of_care.improvement import selectors, services, stages
from culture_of_care.improvement.forms import ActForm, DoForm, PlanForm, ShareForm, StudyForm
from culture_of_care.improvement.models import CycleStatus, Decision, PDSACycle
from culture_of_care.improvement.views.common import (
    editable_cycle,
    editable_idea,
    project_measures,
    team_people,
    visible_cycle,
    visible_project,
)


def task_list(cycle: PDSACycle, editable: bool) -> list[dict]:
    """Each stage's state for the NHS.UK task list: completed, in progress, or not yet, with a
    link where the stage can be filled in now."""
    position = stages.STATUS_ORDER.index(cycle.status)
    items = []
    for index, stage in enumerate(stages.STAGES):
        if index < position:
            state = "Completed"
        elif index == position:
            state = "In progress"
        else:
            state = "Cannot start yet"
        href = ""
        if editable and stage.editable(cycle.status):
            href = (
                reverse("improvement:cycle_act", args=[cycle.pk])
                if stage is stages.ACT
                else reverse("improvement:cycle_stage", args=[cycle.pk, stage.code])
            )
        items.append(
            {
                "code": stage.code,
                "label": stage.label,
                "hint": stage.hint,
                "state": state,
                "href": href,
            }
        )
    return items


def next_stage_url(cycle: PDSACycle, saved: str) -> str:
    """Where "save and move on" goes: the stage the cycle is now at, if the one just saved moved
    it on (do to study, study to act); otherwise back to the cycle."""
    if saved == "do" and cycle.status == CycleStatus.STUDY:
        return reverse("improvement:cycle_stage", args=[cycle.pk, "study"])
    if saved == "study" and cycle.status == CycleStatus.ACT:
        return reverse("improvement:cycle_act", args=[cycle.pk])
    return reverse("improvement:cycle", args=[cycle.pk])


@login_required
def cycle_add(request: HttpRequest, pk: int) -> HttpResponse:
    idea = editable_idea(request, pk)
    people = team_people(idea.project)
    form = PlanForm(
        request.POST or None,
        people=people,
        measures=project_measures(idea.project),
        initial={"title": idea.title},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cycle = services.pdsa_cycle_create(
            change_idea=idea,
            actor=request.user,
            participants=list(data["participants"]),
            measures=list(data["measures"]),
            **{name: data[name] for name in stages.PLAN.fields},
        )
        messages.success(request, f"Cycle {cycle.number} is planned.")
        return redirect("improvement:cycle", pk=cycle.pk)
    return render(
        request,
        "improvement/cycle_stage_form.html",
        {"idea": idea, "project": idea.project, "form": form, "stage": "plan", "cycle": None},
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int, start_error: str = "") -> HttpResponse:
    cycle = visible_cycle(request, pk)
    editable = can_edit(cycle, request.user)
    return render(
        request,
        "improvement/cycle_detail.html",
        {
            "cycle": cycle,
            "stuck_since": selectors.stuck_since(cycle),
            "stuck_days": settings.PDSA_STAGE_STUCK_DAYS,
            "measures": cycle.measures.order_by("order", "name"),
            "idea": cycle.change_idea,
            "project": cycle.change_idea.project,
            "participants": cycle.participants.order_by("full_name"),
            "tasks": task_list(cycle, editable),
            "can_edit": editable,
            "share_form": ShareForm(
                initial={"shared": cycle.shared, "share_ward_name": cycle.share_ward_name}
            ),
            "next_cycle": PDSACycle.objects.visible_to(request.user).filter(previous=cycle).first(),
            "start_error": start_error,
            "has_errors": bool(start_error),
        },
    )


STAGE_FORMS = {"plan": PlanForm, "do": DoForm, "study": StudyForm}


@login_required
def cycle_stage(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    if stage not in stages.RECORDED:
        raise Http404("Not found")
    cycle = editable_cycle(request, pk)
    if not stages.RECORDED[stage].editable(cycle.status):
        messages.error(request, f"The {stage} stage cannot be changed now.")
        return redirect("improvement:cycle", pk=cycle.pk)
    form_class = STAGE_FORMS[stage]
    kwargs = {"instance": cycle}
    if stage == "plan":
        kwargs["people"] = team_people(cycle.change_idea.project)
        kwargs["measures"] = project_measures(cycle.change_idea.project)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pdsa_cycle_record(
                cycle=cycle,
                actor=request.user,
                stage=stage,
                participants=list(data["participants"]) if stage == "plan" else None,
                measures=list(data["measures"]) if stage == "plan" else None,
                **{name: data[name] for name in stages.RECORDED[stage].fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The {stage} stage has been saved.")
            return redirect(next_stage_url(cycle, stage))
    return render(
        request,
        "improvement/cycle_stage_form.html",
        {
            "cycle": cycle,
            "idea": cycle.change_idea,
            "project": cycle.change_idea.project,
            "form": form,
            "stage": stage,
        },
    )


@login_required
@require_POST
def cycle_start(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = editable_cycle(request, pk)
    try:
        services.pdsa_cycle_start(cycle=cycle, actor=request.user)
    except ValidationError as exc:
        response = cycle_detail(request, pk, start_error=" ".join(exc.messages))
        response.status_code = 400
        return response
    messages.success(request, f"Cycle {cycle.number} has started. Record what happens.")
    return redirect("improvement:cycle", pk=cycle.pk)


@login_required
def cycle_act(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = editable_cycle(request, pk)
    if not stages.ACT.editable(cycle.status):
        messages.error(request, "Record the study before deciding what to do next.")
        return redirect("improvement:cycle", pk=cycle.pk)
    form = ActForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            next_cycle = services.pdsa_cycle_decide(
                cycle=cycle,
                actor=request.user,
                decision=data["decision"],
                next_step=data["next_step"],
                abandon_reason=data["abandon_reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if next_cycle is not None:
                messages.success(
                    request,
                    f"Cycle {next_cycle.number} is ready to plan, filled in from cycle "
                    f"{cycle.number}. Change what you need and add your predictions.",
                )
                return redirect("improvement:cycle_stage", pk=next_cycle.pk, stage="plan")
            if data["decision"] == Decision.ADOPT:
                messages.success(request, "The change idea is adopted.")
            else:
                messages.success(request, "The change idea is abandoned, with your reason.")
            return redirect("improvement:cycle", pk=cycle.pk)
    return render(
        request,
        "improvement/cycle_stage_form.html",
        {
            "cycle": cycle,
            "idea": cycle.change_idea,
            "project": cycle.change_idea.project,
            "form": form,
            "stage": "act",
        },
    )


@login_required
@require_POST
def cycle_share(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = editable_cycle(request, pk)
    form = ShareForm(request.POST)
    form.is_valid()
    try:
        services.pdsa_cycle_share(
            cycle=cycle,
            actor=request.user,
            shared=form.cleaned_data.get("shared", False),
            share_ward_name=form.cleaned_data.get("share_ward_name", False),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "The cycle is in the learning library."
            if cycle.shared
            else "The cycle is not shared in the learning library.",
        )
    return redirect("improvement:cycle", pk=cycle.pk)


@login_required
def project_cycles(request: HttpRequest, pk: int) -> HttpResponse:
    """A ward's cycles (an organisation's project: all its wards' cycles), as a list or timeline."""
    project = visible_project(request, pk)
    cycles = (
        PDSACycle.objects.visible_to(request.user)
        .filter(organisation=project.organisation)
        .select_related("change_idea", "ward")
        .order_by("-created_at", "-id")
    )
    if project.ward_id:
        cycles = cycles.filter(change_idea__project=project)
    status = request.GET.get("status", "")
    if status in CycleStatus.values:
        cycles = cycles.filter(status=status)
    view = "timeline" if request.GET.get("view") == "timeline" else "list"
    context = {
        "project": project,
        "view": view,
        "status": status,
        "statuses": CycleStatus.choices,
        "can_edit": can_edit(project, request.user),
    }
    if view == "timeline":
        context["timeline"] = selectors.timeline(cycles[:500])
    else:
        page = Paginator(selectors.stage_entered_on(cycles), 50).get_page(request.GET.get("page"))
        selectors.mark_stuck(page.object_list)
        context["page"] = page
        context["any_stuck"] = any(cycle.stuck_since for cycle in page.object_list)
        context["stuck_days"] = settings.PDSA_STAGE_STUCK_DAYS
    return render(request, "improvement/cycle_list.html", context)
