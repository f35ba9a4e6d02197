"""The home page (one per role) and the static information pages."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from culture_of_care import panels, selectors

# The shared home panels each kind of home shows (None: every panel that has something). The
# other homes hold their own work (culture_of_care/homes.py), not every app's counts.
HOME_PANELS: dict[str, set[str] | None] = {
    "programme": None,
    "coach": None,
    "organisation": {"reporting/panels/dashboard.html"},
    "leadership_coach": set(),
    "risk": set(),
    "executive": {"coaching/panel_coachee.html"},
    "ward": {"improvement/panel_home.html"},
    "none": set(),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home, with its own work (``selectors.home_for``)."""
    context = selectors.home_for(request.user)
    shown = HOME_PANELS.get(context["kind"], set())
    context["panels"] = panels.render_context(
        "home", request.user, only=None if shown is None else shown
    )
    return render(request, f"home/{context['kind']}.html", context)


# The accessibility statement's dates: change them when the statement is reviewed.
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 12, 1)
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 12, 1)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The statement the public sector accessibility regulations require, in their sections."""
    return render(
        request,
        "pages/accessibility.html",
        {
            "support_email": settings.SUPPORT_EMAIL,
            "prepared_on": ACCESSIBILITY_STATEMENT_PREPARED,
            "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
