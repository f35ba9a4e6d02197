"""People management for an organisation, without the Django admin (issue 15 item 2).

Organisation leads (for their own organisation) and programme admins change someone's roles,
resend or withdraw an invitation, and deactivate a leaver. Roles end the day before the change,
so the person's reach changes on their very next request; every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from culture_of_care.access import is_programme_admin
from culture_of_care.accounts.models import Invitation, RoleAssignment, User
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_revoke
from organisations.models import Organisation

# Organisation-wide roles an organisation lead may give within their own organisation; a
# programme admin may also give the coaching and risk roles.
LEAD_GRANTS = (Role.ORGANISATION_LEAD, Role.EXECUTIVE)
ADMIN_GRANTS = (*LEAD_GRANTS, Role.LEADERSHIP_COACH, Role.RISK_LEAD)


def grantable_roles(actor: Any) -> tuple[str, ...]:
    return ADMIN_GRANTS if is_programme_admin(actor) else LEAD_GRANTS


def _in_organisation(organisation: Organisation) -> Q:
    return Q(organisation=organisation) | Q(ward__organisation=organisation)


@dataclass
class Person:
    """Someone with a current role in the organisation, as the people page lists them."""

    user: User
    roles: list[RoleAssignment] = field(default_factory=list)
    invitation: Invitation | None = None

    @property
    def status(self) -> str:
        if not self.user.is_active:
            return "Deactivated"
        if not self.invitation_pending:
            return "Active"
        return "Invited" if self.invitation.is_usable else "Invitation expired"

    @property
    def invitation_pending(self) -> bool:
        return self.invitation is not None and self.invitation.accepted_at is None

    @property
    def org_roles(self) -> set[str]:
        return {a.role for a in self.roles if not a.ward_id}

    @property
    def ward_ids(self) -> set[int]:
        return {a.ward_id for a in self.roles if a.ward_id and a.role == Role.WARD_MEMBER}

    @property
    def role_labels(self) -> list[str]:
        return [
            f"{a.get_role_display()}, {a.ward.name}" if a.ward_id else a.get_role_display()
            for a in self.roles
        ]


def organisation_people(organisation: Organisation, user_id: int | None = None) -> list[Person]:
    """People with a current role in ``organisation`` (or one of its wards), by name."""
    assignments = (
        RoleAssignment.objects.current()
        .filter(_in_organisation(organisation))
        .select_related("user", "ward")
        .order_by("user__full_name", "user__email", "role", "ward__name")
    )
    if user_id is not None:
        assignments = assignments.filter(user_id=user_id)
    people: dict[int, Person] = {}
    for assignment in assignments:
        person = people.setdefault(assignment.user_id, Person(user=assignment.user))
        person.roles.append(assignment)
    for invitation in Invitation.objects.filter(user_id__in=people).order_by("created_at"):
        people[invitation.user_id].invitation = invitation  # the latest wins
    return list(people.values())


def person_in_organisation(organisation: Organisation, user_id: int) -> Person | None:
    found = organisation_people(organisation, user_id=user_id)
    return found[0] if found else None


def _end(assignment: RoleAssignment, actor: Any, organisation: Organisation) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    assignment.ends_on = yesterday
    assignment.starts_on = min(assignment.starts_on, yesterday)
    assignment.save(update_fields=["ends_on", "starts_on"])


def _grant(
    user: User, role: str, organisation: Organisation, ward_id: int | None, actor: Any
) -> None:
    today = timezone.localdate()
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organisation_id=organisation.id,
        ward_id=ward_id,
        defaults={"starts_on": today},
    )
    if not created:  # an ended (or future) grant comes back today
        assignment.ends_on = None
        assignment.starts_on = min(assignment.starts_on, today)
        assignment.save(update_fields=["ends_on", "starts_on"])


@transaction.atomic
def person_roles_set(
    *,
    actor: Any,
    user: User,
    organisation: Organisation,
    roles: set[str],
    ward_ids: set[int],
) -> int:
    """Make the person's roles in ``organisation`` exactly these; returns how many changed.

    Only roles the actor may give are touched (an organisation lead never ends a coaching
    role the programme gave). Ward team roles are only on this organisation's wards.
    """
    manageable = set(grantable_roles(actor))
    valid_wards = set(organisation.wards.filter(id__in=ward_ids).values_list("id", flat=True))
    if valid_wards != set(ward_ids) or not roles <= manageable:
        raise ValueError("Those roles or wards are not yours to give.")
    current = list(
        RoleAssignment.objects.current()
        .filter(_in_organisation(organisation), user=user)
        .select_related("user", "ward")
    )
    changes = 0
    held_org, held_wards = set(), set()
    for assignment in current:
        if assignment.role == Role.WARD_MEMBER and assignment.ward_id:
            held_wards.add(assignment.ward_id)
            if assignment.ward_id not in valid_wards:
                _end(assignment, actor, organisation)
                changes += 1
        elif assignment.role in manageable and not assignment.ward_id:
            held_org.add(assignment.role)
            if assignment.role not in roles:
                _end(assignment, actor, organisation)
                changes += 1
    for role in roles - held_org:
        _grant(user, role, organisation, None, actor)
        changes += 1
    for ward_id in valid_wards - held_wards:
        _grant(user, Role.WARD_MEMBER, organisation, ward_id, actor)
        changes += 1
    return changes


@transaction.atomic
def person_deactivate(*, actor: Any, user: User, organisation: Organisation) -> bool:
    """A leaver: every role in this organisation ends and any invitation stops working.

    With no role left anywhere the account is switched off too, which signs them out at once.
    Returns whether the account was switched off.
    """
    if getattr(actor, "pk", None) == user.pk:
        raise ValueError("You cannot deactivate yourself.")
    for assignment in (
        RoleAssignment.objects.current()
        .filter(_in_organisation(organisation), user=user)
        .select_related("user", "ward")
    ):
        _end(assignment, actor, organisation)
    invitation_revoke(user=user, actor=actor, organisation_id=organisation.id)
    switched_off = not RoleAssignment.objects.current().filter(user=user).exists()
    if switched_off:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return switched_off
