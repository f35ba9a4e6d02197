"""The home page (one per role) and the static information pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from culture_of_care import panels, selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home: coach, ward member, organisation lead, programme."""
    context = selectors.home_for(request.user)
    context["panels"] = panels.render_context("home", request.user)
    return render(request, f"home/{context['kind']}.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
