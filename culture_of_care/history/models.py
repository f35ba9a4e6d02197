"""History at the database level: one event table per tracked model, written by triggers.

Every tenant model (one the tenancy mechanism scopes, or one carrying an ``organisation_id``),
plus people (the user model), is tracked here: PostgreSQL triggers (django-pghistory) copy the
row into its event table on every insert, update and delete, with the acting person's context
(culture_of_care/history/context.py) stored in the same row. The event tables:

* hold no foreign-key constraints and nothing cascades into them (pghistory's unconstrained
  keys), so deleting an organisation or a person leaves its history in place;
* are append-only: pghistory's ``Protect`` triggers refuse UPDATE and DELETE, and
  ``protection.py`` adds triggers that cannot be switched off from a session;
* carry the context itself (``pgh_context`` JSON), not a key to a shared, mutable table.

On SQLite (the ``make run`` default) the tables exist but stay empty: there are no triggers.

The tracked models are found, not listed, so a new tenant model is tracked by construction
(``makemigrations --check`` then asks for its history migration). This module is imported after
every other app's models (``culture_of_care.history`` is the last of INSTALLED_APPS).
"""

from __future__ import annotations

import hashlib

import pghistory
from django.apps import apps
from django.conf import settings
from django.db import models

# Fields never copied into history: secrets, and sign-in bookkeeping that is not a change.
NOT_KEPT: dict[str, list[str]] = {
    "accounts.user": ["password", "last_login", "calendar_token"],
    "accounts.invitation": ["token_hash"],
}
# Models that are themselves a record of what happened (or are never changed by a person).
NOT_TRACKED = {"audit.auditentry"}


def is_tracked(model: type[models.Model]) -> bool:
    """Whether ``model``'s changes are kept in history."""
    label = model._meta.label_lower
    if label in NOT_TRACKED or model._meta.abstract or model._meta.proxy:
        return False
    if not model._meta.managed or model._meta.app_label == "history":
        return False
    if label == settings.AUTH_USER_MODEL.lower():
        return True
    if hasattr(model, "tenant_organisation_field"):
        return True
    return any(field.attname == "organisation_id" for field in model._meta.local_fields)


def event_model_name(model: type[models.Model]) -> str:
    return f"{model._meta.app_label.title()}{model.__name__}Event"


def _tracked() -> list[type[models.Model]]:
    found = []
    for app_label, app_models in list(apps.all_models.items()):
        if app_label in ("history", "pghistory", "pgtrigger"):
            continue
        found.extend(model for model in list(app_models.values()) if is_tracked(model))
    return sorted(found, key=lambda m: m._meta.label_lower)


EVENT_MODELS: dict[str, type[models.Model]] = {}


def _event_meta(model: type[models.Model]) -> dict:
    """An event table's Meta: its name, and for a tenant's rows an index led by organisation_id
    (an organisation's lead reads its history by organisation, newest first; row-level security
    filters on it too)."""
    meta: dict = {"verbose_name": f"{model._meta.verbose_name} history"}
    if any(field.attname == "organisation_id" for field in model._meta.concrete_fields):
        digest = hashlib.sha1(model._meta.label_lower.encode(), usedforsecurity=False)
        meta["indexes"] = [
            models.Index(
                fields=["organisation", "-pgh_created_at"], name=f"hist_{digest.hexdigest()[:12]}"
            )
        ]
    return meta


for _model in _tracked():
    _event = pghistory.create_event_model(
        _model,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=NOT_KEPT.get(_model._meta.label_lower),
        obj_field=pghistory.ObjForeignKey(related_name="+"),
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        app_label="history",
        model_name=event_model_name(_model),
        abstract=False,
        meta=_event_meta(_model),
    )
    globals()[_event.__name__] = _event
    EVENT_MODELS[_model._meta.label_lower] = _event

del _model, _event
