"""``manage.py export_organisation ODS [--output FILE]``: everything of one organisation."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.lifecycle import export_organisation
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Write everything of one organisation (CSV per table and one JSON document) to a zip."

    def add_arguments(self, parser) -> None:
        parser.add_argument("ods_code")
        parser.add_argument("--output", help="the zip to write (default: <ODS>-export.zip)")

    def handle(self, *args, ods_code: str, output: str | None = None, **options) -> None:
        organisation = Organisation.objects.filter(ods_code=ods_code.upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code}.")
        path = Path(output or f"{organisation.ods_code}-export.zip")
        counts = export_organisation(organisation, path)
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {sum(counts.values())} rows to {path}"))
