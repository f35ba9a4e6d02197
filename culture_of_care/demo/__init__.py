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
