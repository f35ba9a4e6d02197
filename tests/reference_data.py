"""Put back the rows that data migrations create, after a test emptied the database.

Browser tests commit (the live server answers from another thread), so each one ends with the
database flushed. Serialized rollback is requested, but in these tests the connection they use
carries no serialized copy (seen: ``_test_serialized_contents`` is empty there, most likely
because Playwright's sync API runs the test in another greenlet context), so nothing came back
and later tests found no service types. The browser tests therefore restore the reference data
themselves, by running the data migrations' own loaders again.
"""

from __future__ import annotations

import importlib

from django.apps import apps

# (migration module, forward function), in dependency order.
LOADERS = [
    ("wards.migrations.0002_service_types", "load"),
    ("culture_of_care.improvement.migrations.0002_reference_data", "load"),
    ("culture_of_care.improvement.migrations.0003_national_measures_monthly", "monthly"),
    ("risk.migrations.0002_milestone_definitions", "load"),
]


def restore_reference_data() -> None:
    """Reload the reference data when the database has been emptied (idempotent otherwise)."""
    service_type = apps.get_model("wards", "ServiceType")
    if service_type.objects.exists():
        return
    for module_name, function in LOADERS:
        getattr(importlib.import_module(module_name), function)(apps, None)
