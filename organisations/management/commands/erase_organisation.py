"""``manage.py erase_organisation ODS``: a dry run listing what would go;
``manage.py erase_organisation ODS --confirm ODS`` removes it (an audit record stays)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from organisations.lifecycle import erase_organisation, erasure_counts
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Erase one organisation and everything of it (dry run unless --confirm names it)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("ods_code")
        parser.add_argument(
            "--confirm",
            metavar="ODS",
            help="type the ODS code again to erase for real; without it nothing is removed",
        )

    def handle(self, *args, ods_code: str, confirm: str | None = None, **options) -> None:
        organisation = Organisation.objects.filter(ods_code=ods_code.upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code}.")
        counts = erasure_counts(organisation)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        if confirm is None:
            self.stdout.write(
                f"Dry run: nothing was removed. To erase {organisation.ods_code} "
                f"({organisation.name}), run again with --confirm {organisation.ods_code}."
            )
            return
        if confirm.upper() != organisation.ods_code:
            raise CommandError(
                f"--confirm {confirm} does not match {organisation.ods_code}: nothing was removed."
            )
        entry = erase_organisation(organisation)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {organisation.ods_code}: {sum(counts.values())} rows. "
                f"Audit record {entry.pk} keeps what was removed."
            )
        )
