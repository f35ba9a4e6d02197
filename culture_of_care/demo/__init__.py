"""The demo programme: deterministic seed data, built in stages by each app.

``seed_demo`` builds the foundation (organisations, wards, people) and then calls ``seed(ctx)`` in
the ``demo`` module of every installed app that has one, in INSTALLED_APPS order, passing one
``DemoContext``. Each app derives its own ``random.Random`` from ``ctx.rng_for(label)`` so a
change in one app's demo data does not shift another's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "CultureOfCare-demo-2026"  # noqa: S105 - published demo login, refused without DEBUG
DEMO_DOMAIN = "demo.cultureofcare.example"
# A published TOTP secret for the demo programme admin and lead (base32). Demo only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


@dataclass
class DemoContext:
    scale: int
    today: date
    # Years of monthly data before this month (2 for the demo; the benchmark seeds 5).
    years: int = 2
    organisations: list[Any] = field(default_factory=list)
    wards: list[Any] = field(default_factory=list)
    # role -> list of users holding it (demo login first)
    people: dict[str, list[Any]] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, email, note)
    stats: dict[str, int] = field(default_factory=dict)

    def rng_for(self, label: str) -> random.Random:
        return random.Random(f"culture-of-care:{label}:{self.scale}")  # noqa: S311

    def demo_user(self, role: str) -> Any:
        return self.people[role][0]


def insert_rows(model: Any, columns: list[str], rows: list[tuple]) -> int:
    """Insert plain tuples into ``model``'s table, fast: PostgreSQL's COPY, or bulk_create.

    For the demo's largest tables (hundreds of thousands of monthly data points at scale 10),
    where building a model instance per row costs more than the database does. ``columns`` are
    field attnames (``ward_id``); every other column must have a database-side or null default,
    so pass timestamps explicitly. Returns how many rows were written.
    """
    from django.db import connection

    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return len(rows)
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    table = connection.ops.quote_name(meta.db_table)
    # Our own table and column names, quoted; the values go through COPY, never the SQL.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return len(rows)
