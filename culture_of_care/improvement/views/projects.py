"""Ward and middle-tier projects: the project page, its aim and team, measures, change ideas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from culture_of_care.access import can_edit, get_visible_or_404, require_whole_organisation
from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.forms import (
    ChangeIdeaForm,
    ChangeIdeaStatusForm,
    MeasureForm,
    ProjectForm,
)
from culture_of_care.improvement.models import PDSACycle
from culture_of_care.improvement.views.common import (
    editable_idea,
    editable_project,
    no_project,
    team_people,
    visible_idea,
    visible_project,
)
from organisations.models import Organisation
from wards.models import Ward


@login_required
def ward_project(request: HttpRequest, ward_pk: int) -> HttpResponse:
    """A ward's project (made at onboarding; opening the page never creates one)."""
    ward = get_visible_or_404(Ward, request.user, pk=ward_pk)
    project = selectors.ward_project(ward)
    if project is None:
        return no_project(request, ward)
    return redirect("improvement:project", pk=project.pk)


@login_required
def organisation_project(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())
    # The middle-tier project is the organisation's own: ward-only users do not reach it.
    require_whole_organisation(request.user, organisation)
    project = selectors.organisation_project(organisation)
    if project is None:
        return no_project(request, organisation)
    return redirect("improvement:project", pk=project.pk)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    cycles = PDSACycle.objects.visible_to(request.user).filter(organisation=project.organisation)
    if project.ward_id:
        cycles = cycles.filter(change_idea__project=project)
    return render(
        request,
        "improvement/project_detail.html",
        {
            "project": project,
            "can_edit": can_edit(project, request.user),
            "measures": project.measures.order_by("organisation", "order", "name"),
            "ideas": selectors.change_ideas_for(project),
            "cycle_count": cycles.count(),
            "scores": selectors.latest_scores(project),
            **selectors.team_summary(project),
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = editable_project(request, pk)
    form = ProjectForm(request.POST or None, project=project, people=team_people(project))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.project_update(
            project=project,
            actor=request.user,
            aim_what=data["aim_what"],
            aim_how_much=data["aim_how_much"],
            aim_by_when=data["aim_by_when"],
            change_theory=data["change_theory"],
            team=list(data["team"]),
            measures=list(data["measures"]),
        )
        messages.success(request, "The project has been updated.")
        return redirect("improvement:project", pk=project.pk)
    return render(request, "improvement/project_form.html", {"project": project, "form": form})


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = editable_project(request, pk)
    form = MeasureForm(request.POST or None, initial={"multiplier": 1})
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in MeasureForm.Meta.fields}
        try:
            measure = services.measure_create_local(project=project, actor=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Added the local measure {measure.name}.")
            return redirect("improvement:project", pk=project.pk)
    return render(request, "improvement/measure_form.html", {"project": project, "form": form})


@login_required
def change_idea_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = editable_project(request, pk)
    initial = {}
    if request.GET.get("node"):
        initial["national_node"] = request.GET["node"]
    form = ChangeIdeaForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.change_idea_create(
                project=project,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                national_node=data["national_node"],
                drivers=list(data["drivers"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Added the change idea: {idea.title}")
            return redirect("improvement:change_idea", pk=idea.pk)
    return render(request, "improvement/change_idea_form.html", {"project": project, "form": form})


@login_required
def change_idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = visible_idea(request, pk)
    return render(
        request,
        "improvement/change_idea_detail.html",
        {
            "idea": idea,
            "project": idea.project,
            "drivers": idea.drivers.prefetch_related("commitments"),
            "cycles": idea.cycles.order_by("number"),
            "can_edit": can_edit(idea, request.user),
            "status_form": ChangeIdeaStatusForm(initial={"status": idea.status}),
        },
    )


@login_required
@require_POST
def change_idea_status(request: HttpRequest, pk: int) -> HttpResponse:
    idea = editable_idea(request, pk)
    form = ChangeIdeaStatusForm(request.POST)
    if form.is_valid():
        services.change_idea_set_status(
            idea=idea, actor=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, f"The change idea is now: {idea.get_status_display()}.")
    else:
        messages.error(request, "Choose a status.")
    return redirect("improvement:change_idea", pk=idea.pk)
