"""An object's history page (the PDSA cycle, project, ward and organisation pages link here)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from culture_of_care.access import get_visible_or_404
from culture_of_care.history.selectors import history_of, may_see_history

# The objects whose pages show a history link: URL word -> model, and where its page is.
KINDS: dict[str, str] = {
    "cycle": "improvement.PDSACycle",
    "project": "improvement.Project",
    "ward": "wards.Ward",
    "organisation": "organisations.Organisation",
}


# Where each kind's own page is.
PAGES: dict[str, Any] = {
    "cycle": lambda obj: reverse("improvement:cycle", args=[obj.pk]),
    "project": lambda obj: reverse("improvement:project", args=[obj.pk]),
    "ward": lambda obj: reverse("wards:detail", args=[obj.pk]),
    "organisation": lambda obj: reverse("organisations:detail", args=[obj.ods_code]),
}


def kind_of(obj: Any) -> str | None:
    label = getattr(getattr(obj, "_meta", None), "label", None)
    return next((kind for kind, model in KINDS.items() if model == label), None)


@login_required
def object_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("Not found")
    model = apps.get_model(KINDS[kind])
    obj = get_visible_or_404(model, request.user, pk=pk)
    if not may_see_history(request.user, obj):
        raise PermissionDenied("Only programme admins and the organisation's leads see history.")
    return render(
        request,
        "history/object_history.html",
        {
            "obj": obj,
            "entries": history_of(obj),
            "back": PAGES[kind](obj),
            "noun": model._meta.verbose_name,
        },
    )
