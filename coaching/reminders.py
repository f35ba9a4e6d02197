"""Daily-digest lines from coaching (registered in ``CoachingConfig.ready``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from coaching.models import Action, ActionStatus, CoachingSession, SessionStatus
from coaching.selectors import NO_CONTACT_AFTER
from wards.models import Ward, WardStatus


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def actions_due(user: Any) -> list[str]:
    """Open actions the person owns that are due today or overdue."""
    today = timezone.localdate()
    mine = (
        Action.objects.visible_to(user)
        .filter(owner=user, status=ActionStatus.OPEN)
        .exclude(session__status=SessionStatus.DRAFT)
    )
    overdue = mine.filter(due_on__lt=today).count()
    due_today = mine.filter(due_on=today).count()
    lines = []
    if overdue:
        lines.append(f"{_plural(overdue, 'coaching action is', 'coaching actions are')} overdue.")
    if due_today:
        lines.append(
            f"{_plural(due_today, 'coaching action is', 'coaching actions are')} due today."
        )
    return lines


def sessions_tomorrow(user: Any) -> list[str]:
    """Coaching sessions booked for tomorrow with this coach."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    places = sorted(
        {
            s.where
            for s in CoachingSession.objects.visible_to(user)
            .filter(coaches=user, status=SessionStatus.LOGGED, next_session_on=tomorrow)
            .select_related("ward", "organisation")
        }
    )
    return [f"Coaching session tomorrow: {place}." for place in places]


def wards_without_contact(user: Any) -> list[str]:
    """Wards this person coaches with no logged session in six weeks."""
    today = timezone.localdate()
    cutoff = today - NO_CONTACT_AFTER
    wards = (
        Ward.objects.visible_to(user)
        .filter(qi_coach=user)
        .exclude(status=WardStatus.WITHDRAWN)
        .filter(Q(coaching_start__isnull=True) | Q(coaching_start__lte=today))
        .annotate(
            last=Max(
                "coaching_sessions__date",
                filter=Q(coaching_sessions__status=SessionStatus.LOGGED),
            )
        )
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .order_by("name")
    )
    names = [w.name for w in wards]
    if not names:
        return []
    return [f"No coaching contact for six weeks: {', '.join(names)}."]
