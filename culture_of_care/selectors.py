"""Reads shared by the home pages and dashboards."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from culture_of_care.access import has_role, read_reach
from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import PROGRAMME_WIDE, Role
from organisations.models import Organisation, Region
from wards.models import Ward


def programme_overview(user: Any) -> dict[str, Any]:
    """Counts for the programme overview (programme admins and leads)."""
    orgs = Organisation.objects.visible_to(user)
    wards = Ward.objects.visible_to(user)
    by_region = (
        orgs.values("region")
        .annotate(
            organisations=Count("id", distinct=True),
            wards=Count("wards", distinct=True),
        )
        .order_by("region")
    )
    labels = dict(Region.choices)
    return {
        "organisation_count": orgs.count(),
        "ward_count": wards.count(),
        "bed_count": wards.aggregate(total=Sum("beds"))["total"] or 0,
        "active_ward_count": wards.filter(status="active").count(),
        "people_count": User.objects.filter(is_active=True, role_assignments__isnull=False)
        .distinct()
        .count(),
        "regions": [{"name": labels.get(row["region"], row["region"]), **row} for row in by_region],
        "provider_counts": orgs.aggregate(
            nhs=Count("id", filter=Q(provider_type="nhs_trust")),
            independent=Count("id", filter=Q(provider_type="independent")),
        ),
    }


def home_for(user: Any) -> dict[str, Any]:
    """Which home page this person sees, and what is on it: one kind per person, the role
    with the widest work first (culture_of_care/homes.py gathers each kind's sections)."""
    from culture_of_care import homes

    reach = read_reach(user)
    if has_role(user, *PROGRAMME_WIDE):
        return {"kind": "programme", **programme_overview(user)}
    if has_role(user, Role.ORGANISATION_LEAD):
        return {"kind": "organisation", **homes.organisation_home(user)}
    if has_role(user, Role.LEADERSHIP_COACH):
        return {"kind": "leadership_coach", **homes.leadership_coach_home(user)}
    if has_role(user, Role.RISK_LEAD):
        return {"kind": "risk", **homes.risk_home(user)}
    wards = Ward.objects.visible_to(user).select_related("organisation", "service_type")
    if has_role(user, Role.QI_COACH):
        return {"kind": "coach", "wards": wards}
    if has_role(user, Role.EXECUTIVE):
        # An executive comes for their own coaching (the panel on their home page).
        return {"kind": "executive", "organisations": Organisation.objects.visible_to(user)}
    if reach.ward_ids:
        return {"kind": "ward", **homes.ward_home(user, list(wards))}
    return {"kind": "none"}
