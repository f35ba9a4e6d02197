"""Writing audit entries (called from other services inside their transaction).

Every change to a tracked row is already kept, with who made it, by database triggers
(culture_of_care/history). Write an entry here only for what triggers cannot see or what a page
reads back: sending and resending, signing in with SSO or MFA, erasure, imports, summaries of
many rows at once (a ward's data saves) and the moves a cycle makes between stages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from culture_of_care.audit.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    organisation_id: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``."""
    if organisation_id is None:
        organisation_id = getattr(obj, "organisation_id", None)
    person = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        organisation_id=organisation_id,
        actor=person,
        actor_name=(getattr(person, "full_name", "") or getattr(person, "email", ""))[:200]
        if person
        else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        changes=changes or {},
    )


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], *, everything: bool = False
) -> dict[str, list[Any]]:
    """An audit entry's ``changes``: ``{field: [before, after]}`` for each field of ``after``
    whose value differs (each one with ``everything``, as when the record is new)."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if everything or before.get(name) != value
    }
