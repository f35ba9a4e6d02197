"""Writes for coaching: each owns its transaction and writes the audit entry."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from coaching.models import (
    Action,
    ActionStatus,
    CoachingRhythm,
    CoachingSession,
    CoachPair,
    SessionStatus,
    WardCoachAssignment,
)
from culture_of_care.audit.services import audit_record
from culture_of_care.guards import find_nhs_numbers

# Form fields whose values are kept in a draft (the CSRF token is not).
_NOT_KEPT = {"csrfmiddlewaretoken", "draft", "save", "add_action"}


def clean_draft_data(data: Any) -> tuple[dict[str, list[str]], bool]:
    """The submitted form as plain lists, minus any value holding an NHS number.

    Returns the data and whether something was dropped by the NHS-number guard.
    """
    kept: dict[str, list[str]] = {}
    dropped = False
    for key in data:
        if key in _NOT_KEPT or "\x00" in key:
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        safe = []
        for value in values:
            if find_nhs_numbers(str(value)):
                dropped = True
                continue
            # A NUL byte cannot be stored as text (PostgreSQL refuses it): a draft keeps the rest.
            safe.append(str(value).replace("\x00", "")[:10000])
        kept[key] = safe
    return kept, dropped


@transaction.atomic
def session_save_draft(
    *,
    actor: Any,
    session: CoachingSession | None,
    organisation: Any,
    ward: Any | None,
    kind: str,
    data: dict[str, list[str]],
) -> CoachingSession | None:
    """Keep a half-filled session form as the actor's draft (created or updated).

    Returns None when the draft was logged or deleted meanwhile: an autosave that arrives
    late must never turn a logged session back into a draft. The draft's row is locked, so
    ``session_log`` of the same draft waits for this save or this save sees it logged.
    """
    if session is None:
        session = CoachingSession(created_by=actor, status=SessionStatus.DRAFT)
    else:
        current = (
            CoachingSession.objects.select_for_update()
            .filter(pk=session.pk, status=SessionStatus.DRAFT)
            .first()
        )
        if current is None:
            return None
        session = current
    session.organisation = organisation
    session.ward = ward
    session.kind = kind
    session.draft_data = data
    session.save()
    audit_record(
        actor=actor,
        action="coaching_session.draft_saved",
        obj=session,
        summary=f"Draft {session.get_kind_display().lower()} saved",
    )
    return session


@transaction.atomic
def session_log(
    *,
    actor: Any,
    session: CoachingSession | None,
    organisation: Any,
    ward: Any | None,
    values: dict[str, Any],
    relations: dict[str, Any],
    actions: list[dict[str, Any]],
) -> CoachingSession:
    """Log a session (a new one, a draft being completed, or a correction) with its actions.

    ``values`` are plain fields, ``relations`` many-to-many fields; ``actions`` are new actions
    (description, owner, owner_role, due_on). The actor is always among the coaches.
    """
    created = session is None
    if session is None:
        session = CoachingSession(created_by=actor)
    else:
        # Waits for an autosave of this draft that is being written (see session_save_draft).
        CoachingSession.objects.select_for_update().filter(pk=session.pk).first()
    was_draft = session.is_draft
    session.organisation = organisation
    session.ward = ward
    for name, value in values.items():
        setattr(session, name, value)
    if not session.is_confidential:
        session.confidential_notes = ""
    session.status = SessionStatus.LOGGED
    session.draft_data = {}
    if session.logged_at is None:
        session.logged_at = timezone.now()
    session.full_clean(exclude=["organisation", "ward", "created_by"])
    session.save()
    for name, value in relations.items():
        getattr(session, name).set(value)
    session.coaches.add(actor)
    for item in actions:
        Action.objects.create(
            organisation=organisation,
            ward=ward,
            session=session,
            description=item["description"],
            owner=item.get("owner"),
            owner_role=item.get("owner_role") or "",
            due_on=item["due_on"],
            created_by=actor,
        )
    verb = "logged" if created or was_draft else "updated"
    audit_record(
        actor=actor,
        action=f"coaching_session.{verb}",
        obj=session,
        summary=f"{session.get_kind_display()} on {session.date:%d %b %Y} {verb}, "
        f"{len(actions)} action(s) added",
    )
    return session


@transaction.atomic
def session_discard_draft(*, actor: Any, session: CoachingSession) -> None:
    """Delete the actor's own draft."""
    if not session.is_draft or session.created_by_id != actor.pk:
        raise ValueError("Only your own drafts can be discarded.")
    audit_record(actor=actor, action="coaching_session.draft_discarded", obj=session)
    session.delete()


@transaction.atomic
def action_set_status(*, actor: Any, action: Action, status: str) -> Action:
    """Mark an action done, dropped or open again."""
    previous = action.status
    action.status = status
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "done_at"])
    audit_record(
        actor=actor,
        action="coaching_action.status",
        obj=action,
        summary=f"Action marked {action.get_status_display().lower()}",
        changes={"status": [previous, status]},
    )
    return action


@transaction.atomic
def ward_coach_assign(*, actor: Any, ward: Any, coach: Any, starts_on: date) -> Any:
    """Make ``coach`` the ward's QI coach from ``starts_on``, ending the previous assignment."""
    previous = WardCoachAssignment.objects.filter(ward=ward, ends_on__isnull=True).exclude(
        coach=coach
    )
    for assignment in previous:
        assignment.ends_on = starts_on
        assignment.save(update_fields=["ends_on"])
    assignment, _ = WardCoachAssignment.objects.get_or_create(
        ward=ward,
        coach=coach,
        ends_on=None,
        defaults={"organisation_id": ward.organisation_id, "starts_on": starts_on},
    )
    ward.qi_coach = coach
    ward.save(update_fields=["qi_coach"])
    audit_record(
        actor=actor,
        action="coaching.ward_coach_assigned",
        obj=assignment,
        summary=f"{coach} coaches {ward} from {starts_on:%d %b %Y}",
    )
    return assignment


@transaction.atomic
def coach_pair_assign(
    *,
    actor: Any,
    organisation: Any,
    lived_experience_coach: Any,
    board_coach: Any,
    starts_on: date,
) -> CoachPair:
    """Give an organisation a new coach pair from ``starts_on`` (the old pair's period ends)."""
    CoachPair.objects.filter(organisation=organisation, ends_on__isnull=True).update(
        ends_on=starts_on
    )
    pair = CoachPair.objects.create(
        organisation=organisation,
        lived_experience_coach=lived_experience_coach,
        board_coach=board_coach,
        starts_on=starts_on,
    )
    audit_record(
        actor=actor,
        action="coaching.coach_pair_assigned",
        obj=pair,
        summary=f"{lived_experience_coach} and {board_coach} coach {organisation}",
    )
    return pair


@transaction.atomic
def calendar_token_reset(*, actor: Any) -> str:
    """Give the actor a new private calendar link; the old one stops working."""
    actor.calendar_token = secrets.token_urlsafe(32)
    actor.save(update_fields=["calendar_token"])
    audit_record(actor=actor, action="coaching.calendar_link_reset", obj=actor, summary="")
    return actor.calendar_token


@transaction.atomic
def rhythm_update(*, actor: Any, ward_sessions_per_month: int) -> CoachingRhythm:
    """Set the planned number of ward coaching sessions a month."""
    rhythm = CoachingRhythm.objects.order_by("id").first() or CoachingRhythm()
    previous = rhythm.ward_sessions_per_month if rhythm.pk else None
    rhythm.ward_sessions_per_month = ward_sessions_per_month
    rhythm.updated_by = actor
    rhythm.full_clean()
    rhythm.save()
    audit_record(
        actor=actor,
        action="coaching.rhythm_updated",
        obj=rhythm,
        summary=f"Planned rhythm: {ward_sessions_per_month} ward sessions a month",
        changes={"ward_sessions_per_month": [previous, ward_sessions_per_month]},
    )
    return rhythm
