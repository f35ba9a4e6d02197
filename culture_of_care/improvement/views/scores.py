"""Monthly IHI progress scores: history, the evidence-based suggestion and recording a score."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.forms import ProgressScoreForm
from culture_of_care.improvement.models import ScoredBy
from culture_of_care.improvement.views.common import visible_project


@login_required
def project_scores(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    allowed = []
    if selectors.is_coach_for(request.user, project):
        allowed.append(ScoredBy.COACH)
    if selectors.is_team_scorer(request.user, project):
        allowed.append(ScoredBy.TEAM)
    form = None
    if allowed:
        form = ProgressScoreForm(request.POST or None, allowed=allowed)
    elif request.method == "POST":
        raise PermissionDenied("Only the ward's QI coach and team record progress scores.")
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_score_record(
                project=project,
                actor=request.user,
                scored_by=data["scored_by"],
                month=data["month"],
                score=data["score"],
                rationale=data["rationale"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The progress score has been recorded.")
            return redirect("improvement:scores", pk=project.pk)
    return render(
        request,
        "improvement/scores.html",
        {
            "project": project,
            "history": selectors.score_history(project),
            "suggestion": selectors.suggested_score(project),
            "form": form,
        },
    )
