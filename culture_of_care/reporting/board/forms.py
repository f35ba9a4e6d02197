"""The "make this report now" form: which organisation (or the programme) and which month."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from culture_of_care.improvement.windows import latest_reportable_month
from culture_of_care.periods import add_months, month_label
from organisations.models import Organisation

NATIONAL = "national"
MONTHS_OFFERED = 12


def reportable_months(today: date | None = None) -> list[date]:
    latest = latest_reportable_month(today or timezone.localdate())
    return [add_months(latest, -n) for n in range(MONTHS_OFFERED)]


class MakeReportForm(forms.Form):
    subject = forms.ChoiceField(label="Report for")
    month = forms.ChoiceField(
        label="Month",
        help_text="Only months whose data deadline has passed, so every ward has had its chance "
        "to send its figures.",
    )

    def __init__(
        self, *args: Any, organisations: list[Organisation], national: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        choices = [(NATIONAL, "The whole programme")] if national else []
        choices += [(org.ods_code, org.name) for org in organisations]
        self.fields["subject"].choices = choices
        self.fields["month"].choices = [(f"{m:%Y-%m}", month_label(m)) for m in reportable_months()]
        self._organisations = {org.ods_code: org for org in organisations}

    def clean_subject(self) -> Organisation | None:
        value = self.cleaned_data["subject"]
        return None if value == NATIONAL else self._organisations[value]

    def clean_month(self) -> date:
        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)
