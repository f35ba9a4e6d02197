"""Writes about organisations and their people."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create, role_grant, user_get_or_create
from organisations.models import Organisation
from wards.models import Ward


@transaction.atomic
def ward_member_invite(
    *,
    actor: Any,
    organisation: Organisation,
    ward: Ward,
    email: str,
    full_name: str,
    lived_experience: bool = False,
) -> tuple[User, bool]:
    """Add a person to a ward's team, inviting them if they are new."""
    if ward.organisation_id != organisation.id:
        raise ValueError("That ward belongs to another organisation.")
    user, created = user_get_or_create(
        email=email, full_name=full_name, lived_experience=lived_experience
    )
    role_grant(
        user=user,
        role=Role.WARD_MEMBER,
        organisation_id=organisation.id,
        ward_id=ward.id,
        actor=actor,
    )
    if created:
        invitation_create(user=user, invited_by=actor, organisation_id=organisation.id)
    return user, created
