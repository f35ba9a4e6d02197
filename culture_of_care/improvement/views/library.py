"""The learning library: completed cycles wards chose to share with the whole programme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from culture_of_care.access import require_some_role
from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.forms import LibrarySearchForm, StartFromLibraryForm
from culture_of_care.improvement.models import Project, ProjectKind


@login_required
def library(request: HttpRequest) -> HttpResponse:
    require_some_role(request.user)
    form = LibrarySearchForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "driver": data["driver"],
            "commitment": data["commitment"],
            "service_type": data["ward_type"],
            "decision": data["decision"],
        }
    cycles = selectors.library_search(**filters)
    page = Paginator(cycles, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/library.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _own_projects(request: HttpRequest):
    return (
        Project.objects.editable_by(request.user)
        .filter(kind=ProjectKind.WARD)
        .select_related("ward")
        .order_by("ward__name")
    )


@login_required
def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_some_role(request.user)
    cycle = selectors.library_cycle(pk)
    if cycle is None:
        raise Http404("Not found")
    projects = _own_projects(request)
    return render(
        request,
        "improvement/library_detail.html",
        {
            "cycle": cycle,
            "drivers": cycle.change_idea.drivers.prefetch_related("commitments"),
            "form": StartFromLibraryForm(projects=projects) if projects.exists() else None,
        },
    )


@login_required
def library_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a change idea on one's own ward from a shared cycle."""
    require_some_role(request.user)
    cycle = selectors.library_cycle(pk)
    if cycle is None:
        raise Http404("Not found")
    projects = _own_projects(request)
    if not projects.exists():
        raise PermissionDenied("Only ward teams and their coaches can start change ideas.")
    form = StartFromLibraryForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.change_idea_from_library(
                cycle=cycle, project=form.cleaned_data["project"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Added the change idea to {idea.project.title}.")
            return redirect("improvement:change_idea", pk=idea.pk)
    return render(request, "improvement/library_start.html", {"cycle": cycle, "form": form})
