"""Everything of one organisation, for export (a zip of CSV and JSON) and for erasure.

"Everything" is every row of every tenant model scoped to the organisation (found through the
one scoping mechanism: each tenant model names its organisation key), plus its role
assignments and invitations, and the people who belong to it alone.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from culture_of_care.access import TenantQuerySet
from culture_of_care.audit.models import AuditEntry
from organisations.models import Organisation


@dataclass
class Part:
    label: str
    queryset: Any


def organisation_parts(organisation: Organisation) -> list[Part]:
    """Each model's rows that belong to the organisation, the organisation itself first."""
    parts: list[Part] = []
    for model in apps.get_models():
        manager = model._default_manager
        if not isinstance(manager.get_queryset(), TenantQuerySet):
            continue
        key = getattr(model, "tenant_organisation_field", "organisation_id")
        parts.append(Part(model._meta.label_lower, manager.filter(**{key: organisation.id})))
    role_model = apps.get_model("accounts", "RoleAssignment")
    invitation_model = apps.get_model("accounts", "Invitation")
    parts.append(
        Part(
            role_model._meta.label_lower,
            role_model.objects.filter(
                Q(organisation_id=organisation.id) | Q(ward__organisation_id=organisation.id)
            ),
        )
    )
    parts.append(
        Part(
            invitation_model._meta.label_lower,
            invitation_model.objects.filter(organisation_id=organisation.id),
        )
    )
    parts.append(Part("accounts.user", people_of(organisation)))
    parts.sort(key=lambda p: (p.label != "organisations.organisation", p.label))
    return parts


def people_of(organisation: Organisation) -> Any:
    """People with a role in this organisation (or one of its wards)."""
    user_model = apps.get_model("accounts", "User")
    return user_model.objects.filter(
        Q(role_assignments__organisation_id=organisation.id)
        | Q(role_assignments__ward__organisation_id=organisation.id)
    ).distinct()


def people_only_here(organisation: Organisation) -> Any:
    """People of this organisation with no role anywhere else: erased with it."""
    role_model = apps.get_model("accounts", "RoleAssignment")
    elsewhere = role_model.objects.exclude(
        Q(organisation_id=organisation.id) | Q(ward__organisation_id=organisation.id)
    ).values("user_id")
    return people_of(organisation).exclude(pk__in=elsewhere).filter(is_staff=False)


_NEVER_EXPORTED = {"password", "token_hash", "calendar_token"}


def _csv(queryset: Any) -> str:
    model = queryset.model
    columns = [f.attname for f in model._meta.concrete_fields if f.attname not in _NEVER_EXPORTED]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in queryset.order_by("pk").values_list(*columns):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def export_organisation(organisation: Organisation, path: Path) -> dict[str, int]:
    """Write a zip of one CSV per model and one JSON document holding every row; returns the
    row count per model."""
    counts: dict[str, int] = {}
    documents: dict[str, Any] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in organisation_parts(organisation):
            rows = part.queryset.order_by("pk")
            counts[part.label] = rows.count()
            if not counts[part.label]:
                continue
            archive.writestr(f"csv/{part.label}.csv", _csv(rows))
            data = json.loads(serializers.serialize("json", rows))
            for item in data:
                for secret in _NEVER_EXPORTED:
                    item["fields"].pop(secret, None)
            documents[part.label] = data
        archive.writestr(
            "organisation.json",
            json.dumps(
                {
                    "organisation": organisation.ods_code,
                    "exported_at": timezone.now().isoformat(),
                    "counts": counts,
                    "rows": documents,
                },
                indent=1,
                default=str,
            ),
        )
    return counts


def erasure_counts(organisation: Organisation) -> dict[str, int]:
    counts = {p.label: p.queryset.count() for p in organisation_parts(organisation)}
    counts["accounts.user"] = people_only_here(organisation).count()
    return {label: n for label, n in counts.items() if n}


@transaction.atomic
def erase_organisation(organisation: Organisation, *, actor: Any = None) -> AuditEntry:
    """Remove the organisation and everything of it; the audit record of the erasure stays
    (kept without an organisation, so the erasure cannot remove it)."""
    counts = erasure_counts(organisation)
    people = list(people_only_here(organisation).values_list("pk", flat=True))
    ods_code, name, pk = organisation.ods_code, organisation.name, organisation.pk
    # Every tenant row, role and invitation hangs off the organisation (or one of its wards)
    # with CASCADE: Django's collector removes them in dependency order.
    organisation.delete()
    apps.get_model("accounts", "User").objects.filter(pk__in=people).delete()
    return AuditEntry.objects.create(  # access: allowed (the erasure record, no organisation)
        organisation=None,
        actor=actor if getattr(actor, "pk", None) else None,
        action="organisation.erase",
        object_type="organisations.organisation",
        object_id=str(pk),
        summary=f"Erased {ods_code} ({name}) and everything of it"[:500],
        changes={"counts": counts},
    )
