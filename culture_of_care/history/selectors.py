"""Reading history: an object's events, told in plain English."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import capfirst

from culture_of_care.access import Domain, may_change_in
from culture_of_care.history.context import SYSTEM
from culture_of_care.history.models import EVENT_MODELS

# Bookkeeping columns nobody edits: never listed as a change.
HIDDEN_FIELDS = {"id", "created_at", "updated_at"}
WHAT = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
EMPTY = "(empty)"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    at: datetime
    who: str
    what: str
    changes: list[Change] = field(default_factory=list)


def may_see_history(user: Any, obj: models.Model) -> bool:
    """Programme admins see any object's history; an organisation lead their organisation's
    (the people who may change the organisation itself)."""
    return may_change_in(obj, user, Domain.ORGANISATION)


def _field(model: type[models.Model], key: str) -> models.Field | None:
    for each in model._meta.concrete_fields:
        if key in (each.name, each.attname, each.column):
            return each
    return None


def _display(model_field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"No longer here (number {value})"
    return str(value)


def _who(context: dict[str, Any] | None) -> str:
    context = context or {}
    name = context.get("user_name") or context.get("user_email")
    if name:
        return str(name)
    if context.get("user"):
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        person = user_model._default_manager.filter(pk=context["user"]).first()
        if person is not None:
            return person.full_name or person.email
        return "A person since removed"
    if context.get("actor") == SYSTEM:
        what = context.get("task") or context.get("command")
        return f"The system ({what})" if what else "The system"
    return "Not recorded"


def history_of(obj: models.Model) -> list[Entry]:
    """What happened to ``obj``, newest first: when, who, and each field's before and after."""
    from pghistory.models import Events

    model = type(obj)
    if model._meta.label_lower not in EVENT_MODELS:
        return []
    entries: list[Entry] = []
    for event in Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id"):
        changes = []
        for key, (before, after) in sorted((event.pgh_diff or {}).items()):
            model_field = _field(model, key)
            name = model_field.name if model_field is not None else key
            if name in HIDDEN_FIELDS or (model_field is not None and not model_field.editable):
                continue
            label = capfirst(str(model_field.verbose_name)) if model_field is not None else key
            changes.append(
                Change(label, _display(model_field, before), _display(model_field, after))
            )
        if event.pgh_label == "update" and not changes:
            continue
        entries.append(
            Entry(
                at=event.pgh_created_at,
                who=_who(event.pgh_context),
                what=WHAT.get(event.pgh_label, capfirst(event.pgh_label)),
                changes=changes,
            )
        )
    return entries
