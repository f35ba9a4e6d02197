"""Coaching sections on shared pages (the ward page, organisation page and home pages)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from coaching import selectors
from coaching.models import Action, CoachingSession, CoachPair, Executive, SessionStatus
from culture_of_care.access import can_edit


def ward_panel(user: Any, ward: Any) -> dict[str, Any] | None:
    sessions = list(
        CoachingSession.objects.readable_by(user)
        .filter(ward=ward, status=SessionStatus.LOGGED)
        .order_by("-date", "-id")[:5]
    )
    actions = list(
        Action.objects.readable_by(user)
        .open()
        .filter(ward=ward)
        .select_related("owner")
        .overdue_first()[:10]
    )
    return {"ward": ward, "sessions": sessions, "actions": actions, "today": timezone.localdate()}


def organisation_panel(user: Any, organisation: Any) -> dict[str, Any] | None:
    sessions = CoachingSession.objects.visible_to(user).filter(
        organisation=organisation, status=SessionStatus.LOGGED
    )
    pair = (
        CoachPair.objects.visible_to(user)
        .current()
        .filter(organisation=organisation)
        .select_related("lived_experience_coach", "board_coach")
        .first()
    )
    return {
        "organisation": organisation,
        "session_count": sessions.count(),
        "pair": pair,
    }


def home_panel(user: Any, obj: Any = None) -> dict[str, Any] | None:
    if not selectors.is_coach(user):
        return None
    return {"drafts": selectors.drafts_for(user).count()}


def coachee_panel(user: Any, obj: Any = None) -> dict[str, Any] | None:
    """An executive's own coaching on their home page: sessions, and the actions agreed."""
    if not Executive.objects.visible_to(user).filter(user=user).exists():
        return None
    sessions = list(selectors.sessions_of_coachee(user)[:5])
    actions = list(selectors.actions_of_coachee(user).open()[:20])
    for action in actions:
        action.can_change = action.owner_id == user.pk or can_edit(action, user)
    return {"sessions": sessions, "actions": actions, "today": timezone.localdate()}
