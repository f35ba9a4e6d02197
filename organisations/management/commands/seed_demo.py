"""Load the demo programme: deterministic, about 60 organisations and 220 wards at scale 1."""

from __future__ import annotations

import importlib
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from culture_of_care.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext
from organisations.demo import seed_barriers, seed_foundation
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Create the demo programme (organisations, wards, people and each app's demo data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply organisations and wards."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=2,
            help="Years of monthly data to seed before this month (1 to 5; 2 by default).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when organisations exist."
        )

    def handle(self, *args, scale: int, years: int, if_empty: bool, **options):
        if scale < 1 or scale > 20:
            raise CommandError("--scale must be between 1 and 20.")
        if years < 1 or years > 5:
            raise CommandError("--years must be between 1 and 5.")
        if Organisation.objects.exists():  # access: allowed (a command, not a view)
            if if_empty:
                self.stdout.write("The database already has organisations: demo not loaded.")
                return
            raise CommandError("The database already has organisations. Use a fresh database.")
        ctx = DemoContext(scale=scale, today=timezone.localdate(), years=years)
        with transaction.atomic():
            seed_foundation(ctx)
            finishing = []
            for config in apps.get_app_configs():
                if config.name == "organisations":
                    continue
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                if hasattr(module, "seed"):
                    self.stdout.write(f"Seeding {config.verbose_name}...")
                    module.seed(ctx)
                if hasattr(module, "seed_after_all"):
                    finishing.append((config.verbose_name, module.seed_after_all))
            # Barriers link to ward and middle-tier QI work, so they come after every app.
            self.stdout.write("Seeding barriers...")
            seed_barriers(ctx)
            # Steps that read every app's demo data (the dashboard snapshots).
            for name, step in finishing:
                self.stdout.write(f"Finishing {name}...")
                step(ctx)
        stats = ", ".join(f"{value} {key}" for key, value in ctx.stats.items())
        self.stdout.write(self.style.SUCCESS(f"Demo programme loaded: {stats}."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}; refused when DEBUG is off):")
        for label, email, note in ctx.logins:
            self.stdout.write(f"  {label:<40} {email}{' ' + note if note else ''}")
        self.stdout.write(
            f"Programme admin and lead use two-factor authentication: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run "
            f"`python manage.py demo_totp` for the current code."
        )
        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is off: the demo logins will be refused."))
