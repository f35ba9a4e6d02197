"""Reading history: an object's events, told in plain English."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime

from culture_of_care.access import Domain, may_change_in
from culture_of_care.history.context import SYSTEM
from culture_of_care.history.models import EVENT_MODELS

# Bookkeeping columns nobody edits: never listed as a change.
HIDDEN_FIELDS = {"id", "created_at", "updated_at"}
WHAT = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
EMPTY = "(empty)"
# What a record is called when several kinds are listed together (a person's page).
NAMES = {"accounts.user": "Their details", "accounts.roleassignment": "A role"}


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
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        return date_format(localtime(moment), "j F Y, H:i") if moment else str(value)
    if isinstance(model_field, models.DateField):
        day = parse_date(str(value))
        return date_format(day, "j F Y") if day else str(value)
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


def _changes(model: type[models.Model], event: Any) -> list[Change]:
    """Each shown field's before and after: the diff for a change, the values a new record
    started with (``(empty)`` before) when it was created."""
    if event.pgh_label == "insert":
        pairs = [(key, (None, value)) for key, value in (event.pgh_data or {}).items()]
    else:
        pairs = list((event.pgh_diff or {}).items())
    changes = []
    for key, (before, after) in sorted(pairs):
        model_field = _field(model, key)
        if model_field is None or model_field.name in HIDDEN_FIELDS or not model_field.editable:
            continue
        if event.pgh_label == "insert" and after in (None, "", [], {}):
            continue
        changes.append(
            Change(
                capfirst(str(model_field.verbose_name)),
                _display(model_field, before),
                _display(model_field, after),
            )
        )
    return changes


def history_of(*objs: models.Model) -> list[Entry]:
    """What happened to ``objs``, newest first: when, who, and each field's before and after."""
    from pghistory.models import Events

    tracked = [obj for obj in objs if obj._meta.label_lower in EVENT_MODELS]
    if not tracked:
        return []
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj in tracked:
        by_model.setdefault(type(obj), []).append(obj)
    events = [
        event
        for group in by_model.values()  # pghistory reads one model's events at a time
        for event in Events.objects.tracks(group)
    ]
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_id), reverse=True)
    entries: list[Entry] = []
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        changes = _changes(model, event)
        if event.pgh_label == "update" and not changes:
            continue
        what = WHAT.get(event.pgh_label, capfirst(event.pgh_label))
        if len(tracked) > 1:
            what = f"{NAMES.get(model._meta.label_lower, capfirst(str(model._meta.verbose_name)))}: {what.lower()}"
        entries.append(
            Entry(at=event.pgh_created_at, who=_who(event.pgh_context), what=what, changes=changes)
        )
    return entries


def person_history(person: Any, organisation: Any) -> list[Entry]:
    """A person's own record and their roles in ``organisation`` (or its wards), newest first."""
    from django.db.models import Q

    from culture_of_care.accounts.models import RoleAssignment

    roles = RoleAssignment.objects.filter(user=person).filter(
        Q(organisation_id=organisation.pk) | Q(ward__organisation_id=organisation.pk)
    )
    return history_of(person, *roles)
