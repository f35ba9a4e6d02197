"""Reads for the board report pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from culture_of_care.access import has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.reporting.models import REPORT_REQUESTER_ROLES, BoardReport
from organisations.models import Organisation, OrganisationStatus


def reports_for(user: Any) -> QuerySet[BoardReport]:
    return BoardReport.objects.visible_to(user).select_related("organisation", "requested_by")


def requestable_organisations(user: Any) -> list[Organisation]:
    """The organisations whose report this person may ask to be made now."""
    active = Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")
    if has_role(user, *PROGRAMME_WIDE):
        return list(active)
    ids = user.role_assignments.current().filter(role__in=REPORT_REQUESTER_ROLES)
    return list(active.filter(id__in=ids.values("organisation_id")))
