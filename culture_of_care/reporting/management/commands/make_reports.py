"""``make_reports [--month YYYY-MM] [--organisation ODS]``: what the monthly schedule does, now.

Makes the reports in this process (no worker needed) and prints where each was stored.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from culture_of_care.reporting.board.services import board_report_make, board_reports_schedule
from organisations.models import Organisation


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise CommandError(f"--month must look like 2026-10, not {value!r}.") from error


class Command(BaseCommand):
    help = "Make the monthly board reports (PDF and XLSX) now, as the schedule does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the latest month past its deadline)")
        parser.add_argument("--organisation", metavar="ODS", help="one organisation's report only")

    def handle(
        self, *args: object, month: str | None, organisation: str | None, **options: object
    ) -> None:
        chosen = _month(month) if month else None
        org = None
        if organisation:
            # access: allowed (a management command run by an operator, not a view)
            org = Organisation.objects.filter(ods_code=organisation.strip().upper()).first()
            if org is None:
                raise CommandError(f"No organisation has the ODS code {organisation!r}.")
        reports = board_reports_schedule(month=chosen, organisation=org)
        failed = 0
        for report in reports:
            made = board_report_make(report_id=report.pk)
            if made.status == made.Status.READY:
                self.stdout.write(f"{made}: {made.pdf.name}, {made.xlsx.name}")
            else:
                failed += 1
                self.stderr.write(f"{made}: {made.get_status_display()} {made.failure_reason}")
        if failed:
            raise CommandError(f"{failed} report(s) could not be made.")
        self.stdout.write(self.style.SUCCESS(f"{len(reports)} report(s) made."))
