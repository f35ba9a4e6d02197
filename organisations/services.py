"""Writes about organisations and their people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create, role_grant, user_get_or_create
from culture_of_care.audit.services import audit_record
from organisations.models import Barrier, BarrierStatus, BarrierStep, BarrierStepKind, Organisation
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


# --- The middle tier's barrier loop ------------------------------------------------------------
# Callers pass objects they have already authorised (views use the access layer and
# ``selectors.can_raise``/``can_act``); the organisation of every new row comes from the ward.


def _barrier_step(
    *,
    actor: Any,
    barrier: Barrier,
    kind: str,
    summary: str,
    note: str = "",
    owner: str = "",
    due_on: date | None = None,
    linked_idea: Any = None,
    linked_cycle: Any = None,
    changes: dict[str, Any] | None = None,
) -> BarrierStep:
    now = timezone.now()
    step = BarrierStep(
        organisation_id=barrier.organisation_id,
        ward_id=barrier.ward_id,
        barrier=barrier,
        kind=kind,
        note=note,
        owner=owner,
        due_on=due_on,
        linked_idea=linked_idea,
        linked_cycle=linked_cycle,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    step.full_clean()
    step.save()
    barrier.last_step_at = now
    barrier.save(update_fields=[*(changes or {}).keys(), "last_step_at"])
    audit_record(
        actor=actor,
        action=f"barrier.{kind}",
        obj=barrier,
        summary=summary,
        changes={k: [str(v[0]), str(v[1])] for k, v in (changes or {}).items()},
    )
    return step


def _ensure_open(barrier: Barrier) -> None:
    if not barrier.is_open:
        raise ValidationError(
            f"This barrier was closed on {barrier.closed_at:%d %B %Y} "
            f"({barrier.get_status_display().lower()}): it cannot be changed."
        )


def _set(barrier: Barrier, changes: dict[str, Any], **values: Any) -> None:
    for name, value in values.items():
        before = getattr(barrier, name)
        if before != value:
            changes[name] = (before, value)
            setattr(barrier, name, value)


@transaction.atomic
def barrier_raise(
    *,
    actor: Any,
    ward: Ward,
    title: str,
    description: str,
    kind: str,
    impact: int,
    commitments: Iterable[Any] = (),
    blocked_idea: Any = None,
    blocked_cycle: Any = None,
    with_lived_experience: bool = False,
) -> Barrier:
    """A ward's team (or its QI coach) raises what the organisation makes harder."""
    if blocked_idea is not None and blocked_idea.ward_id != ward.id:
        raise ValidationError({"blocked_idea": "Choose one of this ward's change ideas."})
    if blocked_cycle is not None and blocked_cycle.ward_id != ward.id:
        raise ValidationError({"blocked_cycle": "Choose one of this ward's PDSA cycles."})
    now = timezone.now()
    barrier = Barrier(
        organisation_id=ward.organisation_id,
        ward=ward,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        impact=impact,
        blocked_idea=blocked_idea,
        blocked_cycle=blocked_cycle,
        with_lived_experience=with_lived_experience,
        raised_by=actor if getattr(actor, "pk", None) else None,
        raised_at=now,
        last_step_at=now,
    )
    barrier.full_clean()
    barrier.save()
    barrier.commitments.set(list(commitments))
    BarrierStep.objects.create(
        organisation_id=barrier.organisation_id,
        ward_id=ward.id,
        barrier=barrier,
        kind=BarrierStepKind.RAISED,
        actor=barrier.raised_by,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="barrier.raised",
        obj=barrier,
        summary=f"{ward.name} raised a barrier: {barrier.title}",
    )
    return barrier


@transaction.atomic
def barrier_acknowledge(*, actor: Any, barrier: Barrier, note: str = "") -> BarrierStep:
    """The middle tier says it has heard: the ward sees who and when."""
    _ensure_open(barrier)
    changes: dict[str, Any] = {}
    if barrier.status == BarrierStatus.RAISED:
        _set(barrier, changes, status=BarrierStatus.ACKNOWLEDGED)
    return _barrier_step(
        actor=actor,
        barrier=barrier,
        kind=BarrierStepKind.ACKNOWLEDGED,
        note=note.strip(),
        summary=f"Acknowledged: {barrier.title}",
        changes=changes,
    )


@transaction.atomic
def barrier_plan(
    *, actor: Any, barrier: Barrier, owner: str, due_on: date, plan: str
) -> BarrierStep:
    """Agree what will be done, by whom and by when (a later plan replaces the earlier one)."""
    _ensure_open(barrier)
    if not owner.strip():
        raise ValidationError({"owner": "Name the person or role who owns the plan."})
    changes: dict[str, Any] = {}
    _set(
        barrier,
        changes,
        status=BarrierStatus.PLANNED,
        plan_owner=owner.strip(),
        plan_due_on=due_on,
        plan_text=plan.strip(),
    )
    return _barrier_step(
        actor=actor,
        barrier=barrier,
        kind=BarrierStepKind.PLANNED,
        note=plan.strip(),
        owner=owner.strip(),
        due_on=due_on,
        summary=f"Planned ({owner.strip()}, by {due_on:%d %b %Y}): {barrier.title}",
        changes=changes,
    )


@transaction.atomic
def barrier_link(
    *,
    actor: Any,
    barrier: Barrier,
    change_idea: Any = None,
    cycle: Any = None,
    note: str = "",
) -> BarrierStep:
    """Tie the barrier to the change idea or PDSA cycle of the organisation's middle-tier
    project that works on it."""
    from culture_of_care.improvement.models import ProjectKind

    _ensure_open(barrier)
    if change_idea is None and cycle is None:
        raise ValidationError("Choose a change idea or a PDSA cycle of the middle-tier project.")
    if cycle is not None:
        change_idea = change_idea or cycle.change_idea
        if cycle.change_idea_id != change_idea.id:
            raise ValidationError({"cycle": "That PDSA cycle tests another change idea."})
    project = change_idea.project
    if (
        project.organisation_id != barrier.organisation_id
        or project.kind != ProjectKind.ORGANISATION
        or project.ward_id is not None
    ):
        raise ValidationError(
            {"change_idea": "Choose a change idea of this organisation's middle-tier project."}
        )
    changes: dict[str, Any] = {}
    _set(barrier, changes, linked_idea=change_idea, linked_cycle=cycle)
    if barrier.status == BarrierStatus.RAISED:
        _set(barrier, changes, status=BarrierStatus.ACKNOWLEDGED)
    what = f"cycle {cycle.number} of {change_idea.title}" if cycle else change_idea.title
    return _barrier_step(
        actor=actor,
        barrier=barrier,
        kind=BarrierStepKind.LINKED,
        note=note.strip(),
        linked_idea=change_idea,
        linked_cycle=cycle,
        summary=f"Linked to {what}: {barrier.title}",
        changes=changes,
    )


def _close(*, actor: Any, barrier: Barrier, status: str, kind: str, text: str) -> BarrierStep:
    _ensure_open(barrier)
    if not text.strip():
        field = "what_changed" if status == BarrierStatus.RESOLVED else "reason"
        raise ValidationError({field: "Tell the ward what changed, or why it cannot change."})
    changes: dict[str, Any] = {}
    _set(barrier, changes, status=status, outcome=text.strip(), closed_at=timezone.now())
    return _barrier_step(
        actor=actor,
        barrier=barrier,
        kind=kind,
        note=text.strip(),
        summary=f"{BarrierStatus(status).label}: {barrier.title}",
        changes=changes,
    )


@transaction.atomic
def barrier_resolve(*, actor: Any, barrier: Barrier, what_changed: str) -> BarrierStep:
    """Close the barrier with what changed (the ward reads it in "You said, we did")."""
    return _close(
        actor=actor,
        barrier=barrier,
        status=BarrierStatus.RESOLVED,
        kind=BarrierStepKind.RESOLVED,
        text=what_changed,
    )


@transaction.atomic
def barrier_cannot_change(*, actor: Any, barrier: Barrier, reason: str) -> BarrierStep:
    """Close the barrier as something the organisation cannot change, saying why."""
    return _close(
        actor=actor,
        barrier=barrier,
        status=BarrierStatus.CANNOT_CHANGE,
        kind=BarrierStepKind.CANNOT_CHANGE,
        text=reason,
    )


@transaction.atomic
def barrier_escalate(*, actor: Any, barrier: Barrier, reason: str) -> BarrierStep:
    """The organisation lead puts the barrier on the board's list before the threshold."""
    _ensure_open(barrier)
    if barrier.escalated_at is not None:
        raise ValidationError(
            f"This barrier has been on the board's list since {barrier.escalated_at:%d %B %Y}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the board needs to see this barrier."})
    changes: dict[str, Any] = {}
    _set(barrier, changes, escalated_at=timezone.now(), escalated_by=actor)
    return _barrier_step(
        actor=actor,
        barrier=barrier,
        kind=BarrierStepKind.ESCALATED,
        note=reason.strip(),
        summary=f"Taken to the board: {barrier.title}",
        changes=changes,
    )


def barrier_take_step(
    *, actor: Any, barrier: Barrier, step: str, data: dict[str, Any]
) -> BarrierStep:
    """One of the middle tier's steps by its name (``acknowledge``, ``plan``, ``link``,
    ``resolve``, ``cannot-change``, ``escalate``) with its validated form data: the pages and
    the API share it."""
    if step == "acknowledge":
        return barrier_acknowledge(actor=actor, barrier=barrier, note=data.get("note") or "")
    if step == "plan":
        return barrier_plan(
            actor=actor,
            barrier=barrier,
            owner=data["owner"],
            due_on=data["due_on"],
            plan=data["plan"],
        )
    if step == "link":
        return barrier_link(
            actor=actor,
            barrier=barrier,
            change_idea=data.get("change_idea"),
            cycle=data.get("cycle"),
            note=data.get("note") or "",
        )
    if step == "resolve":
        return barrier_resolve(actor=actor, barrier=barrier, what_changed=data["what_changed"])
    if step == "cannot-change":
        return barrier_cannot_change(actor=actor, barrier=barrier, reason=data["reason"])
    if step == "escalate":
        return barrier_escalate(actor=actor, barrier=barrier, reason=data["reason"])
    raise ValueError(f"Unknown barrier step {step!r}")
