"""Import organisations, wards and people from an onboarding workbook.

``python manage.py import_programme FILE [FILE ...] [--dry-run]``: FILE is an XLSX workbook, a
ZIP of CSV files, or the three CSV files. Every problem is printed by sheet, row and column and
nothing is written when any row is invalid (the command then exits non-zero). The import runs
as the programme, with no acting user recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations import onboarding, services


class Command(BaseCommand):
    help = "Import organisations, wards and people from an onboarding workbook (XLSX, ZIP or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="the workbook to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the workbook and say what would change, without writing anything",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sources = []
        for name in options["files"]:
            path = Path(name)
            try:
                sources.append(onboarding.SourceFile(path.name, path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc.strerror}.") from exc
        try:
            plan = onboarding.plan_upload(sources)
        except onboarding.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for notice in plan.notices:
            self.stdout.write(f"Note: {notice}")
        if not plan.is_valid:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(plan.errors)} problem{'s' if len(plan.errors) != 1 else ''} found; "
                "nothing was imported."
            )
        if options["dry_run"]:
            self.write_counts(plan.counts(), "would be")
            self.stdout.write("Dry run: nothing was written.")
            return
        result = services.programme_import(plan=plan, actor=None)
        self.write_counts(result.counts, "")
        self.stdout.write(self.style.SUCCESS("Import complete."))

    def write_counts(self, counts: onboarding.ImportCounts, would: str) -> None:
        prefix = f"{would} " if would else ""
        for label, tally in counts.rows():
            self.stdout.write(
                f"{label}: {tally.created} {prefix}created, {tally.updated} {prefix}updated, "
                f"{tally.unchanged} unchanged"
            )
        self.stdout.write(f"Invitations: {counts.invitations} {prefix}sent")
