"""Writes about organisations and their people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create, role_grant, user_get_or_create
from culture_of_care.audit.services import audit_record
from organisations.models import Organisation
from organisations.onboarding import CREATE, UNCHANGED, UPDATE, ImportCounts, ImportPlan
from wards.models import ServiceType, Ward


@transaction.atomic
def ward_member_invite(
    *,
    actor: Any,
    organisation: Organisation,
    ward: Ward,
    email: str,
    full_name: str,
    lived_experience: bool = False,
    site_url: str | None = None,
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
        invitation_create(
            user=user, invited_by=actor, organisation_id=organisation.id, site_url=site_url
        )
    return user, created


@dataclass
class ImportResult:
    """What a committed programme import did."""

    counts: ImportCounts
    invited: list[str] = field(default_factory=list)


@transaction.atomic
def programme_import(*, plan: ImportPlan, actor: Any, site_url: str | None = None) -> ImportResult:
    """Carry out a checked onboarding plan in one transaction (all rows or none).

    Upserts organisations by ODS code, wards by (organisation, ward code) and people by e-mail
    address, grants roles once, and invites each person created here exactly once (the e-mails
    go when the transaction commits). Rows are found again by their natural keys, so running
    the same plan twice creates nothing the second time. Counts say what really happened.
    """
    if not plan.is_valid:
        raise ValueError("The import has problems; fix them before committing it.")
    counts = ImportCounts()

    organisations: dict[str, Organisation] = {}
    for item in plan.organisations:
        organisation = (
            Organisation.objects.select_for_update().filter(ods_code=item.ods_code).first()
        )
        values = {"name": item.name, "region": item.region, "provider_type": item.provider_type}
        changed: list[str] = []
        if organisation is None:
            organisation = Organisation.objects.create(ods_code=item.ods_code, **values)
            action = CREATE
        else:
            action, changed = _apply(organisation, values)
        counts.organisations.add(action)
        _audit_upsert(actor, organisation, action, changed, organisation.ods_code)
        organisations[item.ods_code] = organisation

    def organisation_for(ods_code: str) -> Organisation:
        if ods_code not in organisations:
            organisations[ods_code] = Organisation.objects.get(ods_code=ods_code)
        return organisations[ods_code]

    users: dict[str, User] = {}
    created_people = []
    for person in plan.people:
        user, created = user_get_or_create(
            email=person.email,
            full_name=person.full_name,
            lived_experience=bool(person.lived_experience),
        )
        if created:
            counts.people.add(CREATE)
            created_people.append((user, person))
        else:
            values: dict[str, Any] = {"full_name": person.full_name}
            if person.lived_experience is not None:
                values["lived_experience"] = person.lived_experience
            counts.people.add(_apply(user, values)[0])
        users[person.email] = user

    def user_for(email: str) -> User:
        if email not in users:
            users[email] = User.objects.get(email__iexact=email)
        return users[email]

    service_types = {s.code: s for s in ServiceType.objects.all()}
    wards: dict[tuple[str, str], Ward] = {}
    for item in plan.wards:
        organisation = organisation_for(item.organisation_ods_code)
        ward = (
            Ward.objects.select_for_update()
            .filter(organisation=organisation, code__iexact=item.code)
            .first()
        )
        values = {
            "name": item.name,
            "service_type": service_types[item.service_type_code],
            "beds": item.beds,
        }
        if item.qi_coach_email:
            values["qi_coach"] = user_for(item.qi_coach_email)
        changed = []
        if ward is None:
            ward = Ward.objects.create(
                organisation=organisation,
                code=item.code,
                coaching_start=item.coaching_start,
                coaching_end=item.coaching_end,
                **values,
            )
            action = CREATE
        else:
            if item.coaching_start and item.coaching_start != ward.coaching_start:
                values["coaching_start"] = item.coaching_start
                values["coaching_end"] = Ward.default_coaching_end(item.coaching_start)
            action, changed = _apply(ward, values)
        counts.wards.add(action)
        _audit_upsert(actor, ward, action, changed, f"{organisation.ods_code} ward {ward.code}")
        wards[(item.organisation_ods_code, item.code.lower())] = ward

    def ward_for(ods_code: str, code: str) -> Ward:
        key = (ods_code, code.lower())
        if key not in wards:
            wards[key] = Ward.objects.get(
                organisation=organisation_for(ods_code), code__iexact=code
            )
        return wards[key]

    for item in plan.roles:
        ward = ward_for(item.organisation_ods_code, item.ward_code) if item.ward_code else None
        if ward is not None:
            organisation_id: int | None = ward.organisation_id
        elif item.organisation_ods_code:
            organisation_id = organisation_for(item.organisation_ods_code).id
        else:
            organisation_id = None
        _, created = role_grant(
            user=user_for(item.email),
            role=item.role,
            organisation_id=organisation_id,
            ward_id=ward.id if ward else None,
            actor=actor,
        )
        counts.role_assignments.add(CREATE if created else UNCHANGED)

    # Each ward gets its improvement project and each organisation its middle-tier project at
    # onboarding (after the roles, so the ward's team joins the project).
    from culture_of_care.improvement.services import (
        organisation_project_ensure,
        ward_project_ensure,
    )

    for organisation in organisations.values():
        organisation_project_ensure(organisation=organisation, actor=actor)
    for ward in wards.values():
        ward_project_ensure(ward=ward, actor=actor)

    invited = []
    for user, person in created_people:
        ods_code = person.organisation_ods_code
        invitation_create(
            user=user,
            invited_by=actor,
            organisation_id=organisation_for(ods_code).id if ods_code else None,
            site_url=site_url,
        )
        invited.append(user.email)
    counts.invitations = len(invited)
    return ImportResult(counts=counts, invited=invited)


def _apply(obj: Any, values: dict[str, Any]) -> tuple[str, list[str]]:
    """Save the values that differ: (UPDATE, their names) if any did, else (UNCHANGED, [])."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return UNCHANGED, []
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return UPDATE, changed


def _audit_upsert(actor: Any, obj: Any, action: str, changed: list[str], what: str) -> None:
    if action == UNCHANGED:
        return
    verb = "create" if action == CREATE else "update"
    audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.{verb}",
        obj=obj,
        summary=f"Onboarding import: {verb} {what} {obj}",
        changes={"fields": changed} if changed else {},
    )
