"""Lookups the QI pages share: every one starts from what the user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from culture_of_care.access import (
    ensure_editable,
    get_visible_or_404,
    require_programme_admin,
)
from culture_of_care.accounts.models import User
from culture_of_care.improvement.models import ChangeIdea, PDSACycle, Project
from organisations.models import Organisation
from wards.models import Ward

PROJECT_RELATED = ("ward", "ward__service_type", "ward__qi_coach", "organisation", "change_theory")


def visible_project(request: HttpRequest, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related(*PROJECT_RELATED), request.user, pk=pk)


def editable_project(request: HttpRequest, pk: int) -> Project:
    project = visible_project(request, pk)
    ensure_editable(project, request.user)
    return project


def visible_idea(request: HttpRequest, pk: int) -> ChangeIdea:
    return get_visible_or_404(
        ChangeIdea.objects.select_related("project", "ward", "organisation", "national_node"),
        request.user,
        pk=pk,
    )


def editable_idea(request: HttpRequest, pk: int) -> ChangeIdea:
    idea = visible_idea(request, pk)
    ensure_editable(idea, request.user)
    return idea


CYCLE_RELATED = (
    "change_idea",
    "change_idea__project",
    "ward",
    "organisation",
    "previous",
    "created_by",
)


def visible_cycle(request: HttpRequest, pk: int) -> PDSACycle:
    return get_visible_or_404(PDSACycle.objects.select_related(*CYCLE_RELATED), request.user, pk=pk)


def editable_cycle(request: HttpRequest, pk: int) -> PDSACycle:
    cycle = visible_cycle(request, pk)
    ensure_editable(cycle, request.user)
    return cycle


def require_theory_admin(user: User) -> None:
    require_programme_admin(user, "Only programme admins can change the national change theories.")


def team_people(project: Project) -> Any:
    """People who can be on the project's team or take part in its cycles."""
    from culture_of_care.accounts.models import User

    if project.ward_id:
        condition = {"role_assignments__ward_id": project.ward_id}
    else:
        condition = {"role_assignments__organisation_id": project.organisation_id}
    current = User.objects.filter(is_active=True, **condition)
    return (current | User.objects.filter(projects=project)).distinct().order_by("full_name")


def project_measures(project: Project) -> Any:
    """The measures a cycle of this project may aim to move: those charted for its ward (or,
    for an organisation's project, for the organisation)."""
    from culture_of_care.improvement.charts.results import Scope
    from culture_of_care.improvement.charts.selectors import measures_in_scope

    if project.ward_id:
        scope = Scope("ward", project.organisation_id, project.ward_id)
    else:
        scope = Scope("organisation", project.organisation_id, None)
    return measures_in_scope(scope).order_by("order", "name")


def no_project(request: HttpRequest, place: Ward | Organisation) -> HttpResponse:
    """The plain page for a ward or organisation whose project onboarding has not made."""
    return render(request, "improvement/no_project.html", {"place": place}, status=404)
