"""``manage.py create_api_token EMAIL [--name N] [--days D]``: prints a new token once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from culture_of_care.tokens import services


class Command(BaseCommand):
    help = "Create an API token for a person and print it (it cannot be shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line", help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_VALID_DAYS,
            help=f"Days until it expires (at most {settings.API_TOKEN_MAX_VALID_DAYS}).",
        )

    def handle(self, *args: Any, email: str, name: str, days: int, **options: Any) -> None:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody signs in with {email}.")
        if not 1 <= days <= settings.API_TOKEN_MAX_VALID_DAYS:
            raise CommandError(f"--days must be between 1 and {settings.API_TOKEN_MAX_VALID_DAYS}.")
        if not name.strip():
            raise CommandError("--name must not be empty.")
        refusal = services.api_refusal(user)
        if refusal:
            self.stderr.write(f"Warning: the token will be refused until this changes: {refusal}")
        token, raw = services.create_token(user=user, name=name, valid_days=days)
        self.stderr.write(
            f"Token \u201c{token.name}\u201d for {user.email}, expires {token.expires_at:%Y-%m-%d}."
        )
        self.stdout.write(raw)
