"""The risk panel on an organisation's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from culture_of_care.access import reaches_whole_organisation


def organisation_panel(user: Any, organisation: Any) -> dict[str, Any] | None:
    """Cohort, latest maturity and milestones done, for those who see the risk pages."""
    if organisation is None:
        return None
    if not reaches_whole_organisation(user, organisation):
        return None
    from risk import selectors
    from risk.models import SelfAssessment

    participation = selectors.participation_for(organisation)
    latest = (
        SelfAssessment.objects.visible_to(user)
        .filter(organisation=organisation)
        .prefetch_related("ratings")
        .order_by("-quarter")
        .first()
    )
    return {
        "participation": participation,
        "maturity": selectors.maturity_summary(latest),
        "milestones_done": selectors.milestone_summary([organisation.id]).get(organisation.id, 0),
        "milestone_total": selectors.active_milestone_total(),
        "url": reverse("risk:organisation", args=[organisation.ods_code]),
    }
