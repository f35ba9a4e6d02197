"""Every tenant table has an index that leads with its organisation (issue 18).

Almost every page reads one organisation's rows (``visible_to`` filters by organisation first),
so each tenant table carries a composite index led by ``organisation_id`` for its common filter,
declared in the model's Meta (an index or a unique constraint), never only the foreign key's own
single-column index. Checked against the migrated PostgreSQL or SQLite schema as well, so a
declared index that no migration creates is caught too.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models


def _tenant_models() -> list[type[models.Model]]:
    """Every concrete model with an ``organisation`` foreign key (TenantModel and the rest)."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.abstract or meta.proxy or not meta.managed:
            continue
        field = next((f for f in meta.concrete_fields if f.name == "organisation"), None)
        if isinstance(field, models.ForeignKey):
            found.append(model)
    return found


def _declared_leads(model: type[models.Model]) -> list[list[str]]:
    """The column lists of the composite indexes and unique constraints the model declares."""
    meta = model._meta
    column_lists = []
    for index in meta.indexes:
        column_lists.append([name.lstrip("-") for name in index.fields])
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            column_lists.append(list(constraint.fields))
    column_lists.extend(list(fields) for fields in meta.unique_together)
    return [
        [meta.get_field(name).column for name in names] for names in column_lists if len(names) > 1
    ]


def test_there_are_tenant_tables_to_check():
    labels = {model._meta.label for model in _tenant_models()}
    assert {"improvement.DataPoint", "wards.Ward", "reporting.Snapshot"} <= labels


@pytest.mark.parametrize("model", _tenant_models(), ids=lambda m: m._meta.label)
def test_each_tenant_table_declares_a_composite_index_led_by_its_organisation(model):
    leads = [columns[0] for columns in _declared_leads(model)]
    assert "organisation_id" in leads, (
        f"{model._meta.label} has no composite index or unique constraint in its Meta that "
        "leads with organisation_id (add one for its common filter)."
    )


@pytest.mark.django_db
def test_each_tenant_tables_index_exists_in_the_migrated_database():
    missing = []
    with connection.cursor() as cursor:
        for model in _tenant_models():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            if not any(
                (info["index"] or info["unique"])
                and len(info["columns"]) > 1
                and info["columns"][0] == "organisation_id"
                for info in constraints.values()
            ):
                missing.append(model._meta.label)
    assert missing == []
