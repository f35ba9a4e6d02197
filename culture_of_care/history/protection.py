"""History nobody can change: triggers on every event table that refuse UPDATE and DELETE,
whoever asks.

pghistory's own ``Protect`` triggers (``append_only``) already refuse UPDATE and DELETE, but any
session may switch pgtrigger triggers off with ``pgtrigger.ignore``. These plain triggers have
no such switch; only the tables' owner (who runs migrations, not the app) could drop them.
They are (re)installed after every ``migrate``, so a new event table is covered too.

TRUNCATE is left to privileges (the app's role is granted none on these tables): a trigger
refusing it would also stop the test runner from emptying the database between tests.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models.signals import post_migrate

FUNCTION = "history_refuse_change"

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'History cannot be changed or removed (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(using: str = "default") -> int:
    """Put the refusing triggers on every event table; returns how many tables."""
    from culture_of_care.history.models import EVENT_MODELS

    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_FUNCTION_SQL)
        for event_model in EVENT_MODELS.values():
            table = connection.ops.quote_name(event_model._meta.db_table)
            cursor.execute(
                f"DROP TRIGGER IF EXISTS history_unalterable ON {table};"  # noqa: S608
                f"CREATE TRIGGER history_unalterable BEFORE UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();"
            )
    return len(EVENT_MODELS)


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if sender.label == "history":
        install(using)


def connect() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="history_protection")
