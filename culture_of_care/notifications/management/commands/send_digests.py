"""Send today's digests (fanned out to the workers), or show them with --dry-run."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from culture_of_care.accounts.models import User
from culture_of_care.notifications import services
from culture_of_care.notifications.selectors import digest_for


class Command(BaseCommand):
    help = "Queue today's reminder digests, or print what each person would get (--dry-run)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print; send nothing.")
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD); today by default.")
        parser.add_argument("--email", action="append", default=[], help="Only these people.")

    def handle(self, *args, dry_run: bool, date: str | None, email: list[str], **options) -> None:
        day = self._day(date)
        if not dry_run:
            queued = services.digest_plan(day=day)
            self.stdout.write(f"Queued {queued} sending job{'s' if queued != 1 else ''} for {day}.")
            return
        people = User.objects.filter(pk__in=services.people_due_a_digest(day)).order_by("email")
        if email:
            people = people.filter(email__in=[e.lower() for e in email])
        shown = 0
        for person in people:
            digest = digest_for(person, day)
            if digest.is_empty:
                continue
            shown += 1
            self.stdout.write(f"\n{person.email}: {services.digest_subject(digest)}")
            for section in digest.sections:
                self.stdout.write(f"  {section.kind.heading or section.kind.label}")
                for item in section.items:
                    self.stdout.write(f"    - {item.text}")
                if section.more:
                    self.stdout.write(f"    - and {section.more} more on What needs you")
        self.stdout.write(
            f"\nDry run for {day:%A %-d %B %Y}: {shown} "
            f"{'person' if shown == 1 else 'people'} would get an e-mail; nothing was sent."
        )

    def _day(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--date must look like 2026-12-07, not {value!r}.") from exc
