"""Forms for chart pages: rebasing, chart settings, notes on points and reviewing signals."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from culture_of_care.guards import validate_no_nhs_number
from culture_of_care.improvement.charts.compute import MIN_FIX_AFTER
from culture_of_care.improvement.charts.results import Chart
from culture_of_care.improvement.models import CauseKind, PDSACycle

TRAJECTORY_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*[,:\s]\s*(-?[\d.,]+)\s*$")


def _period_choices(chart: Chart, *, skip_first: bool = False) -> list[tuple[str, str]]:
    points = chart.points[1:] if skip_first else chart.points
    return [("", "Choose a period")] + [(p.period.isoformat(), p.label) for p in reversed(points)]


class RebaseForm(forms.Form):
    period_start = forms.ChoiceField(
        label="Recalculate the limits from",
        help_text="The first period of the new calculation. Earlier periods keep their limits.",
        error_messages={"required": "Choose the period to recalculate the limits from."},
    )
    reason = forms.CharField(
        label="Why the process has changed",
        help_text=(
            "Rebase only when something has changed the process for good, for example a change "
            "you tested and adopted, and the chart shows a sustained shift. Say what changed."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[validate_no_nhs_number],
        error_messages={"required": "Enter why the process has changed."},
    )

    def __init__(self, *args: Any, chart: Chart, existing: set[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["period_start"].choices = _period_choices(chart, skip_first=True)

    def clean_period_start(self) -> date:
        value = date.fromisoformat(self.cleaned_data["period_start"])
        if value in self.existing:
            raise forms.ValidationError("The limits are already recalculated from this period.")
        return value

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(
                "Describe the change in a sentence (10 characters or more)."
            )
        return reason


class ChartSettingsForm(forms.Form):
    fix_after = forms.IntegerField(
        label="Freeze the limits after this many points (optional)",
        help_text=(
            f"Leave empty to calculate the limits from every point. To judge new data against a "
            f"baseline, enter {MIN_FIX_AFTER} or more."
        ),
        required=False,
        min_value=MIN_FIX_AFTER,
        max_value=520,
        error_messages={
            "min_value": f"Limits can only be frozen after at least {MIN_FIX_AFTER} points.",
            "max_value": "Enter 520 points or fewer.",
            "invalid": "Enter a whole number of points, like 12.",
        },
    )
    screen_outliers = forms.BooleanField(
        label="Leave unusually large moving ranges out of the limits",
        help_text=(
            "Recommended (the Making Data Count R tools do this): one wild month does not widen "
            "the limits. Untick to match the Making Data Count Excel tools."
        ),
        required=False,
    )
    trajectory = forms.CharField(
        label="Trajectory (optional)",
        help_text=(
            "The values you plan to reach, one period a line, for example 2026-04 12.5. "
            "Shown as a line on the chart beside the target."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
    )

    fix_after.widget.attrs.update({"inputmode": "numeric"})

    def clean_trajectory(self) -> list[dict[str, Any]]:
        text = self.cleaned_data.get("trajectory") or ""
        planned = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = TRAJECTORY_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    f"Line {number} is not a period and a value: write it like 2026-04 12.5."
                )
            year, month, day, raw = match.groups()
            try:
                period = date(int(year), int(month), int(day or 1))
                value = Decimal(raw.replace(",", ""))
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    f"Line {number} has a date or number that does not exist: write it like "
                    f"2026-04 12.5."
                ) from None
            planned.append({"period": period.isoformat(), "value": float(value)})
        planned.sort(key=lambda item: item["period"])
        return planned

    @staticmethod
    def trajectory_text(trajectory: list[dict[str, Any]]) -> str:
        return "\n".join(f"{item['period'][:7]} {item['value']:g}" for item in trajectory or [])


class PointNoteForm(forms.Form):
    period_start = forms.ChoiceField(
        label="Period",
        error_messages={"required": "Choose the period the note is about."},
    )
    text = forms.CharField(
        label="Note",
        help_text="What happened in this period that helps people read the chart. No patient details.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[validate_no_nhs_number],
        error_messages={"required": "Enter the note."},
    )

    def __init__(self, *args: Any, chart: Chart, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = _period_choices(chart)

    def clean_period_start(self) -> date:
        return date.fromisoformat(self.cleaned_data["period_start"])


class SignalReviewForm(forms.Form):
    kind = forms.ChoiceField(
        label="What explains this signal?",
        widget=forms.RadioSelect,
        choices=[
            (CauseKind.KNOWN_CAUSE, "A known cause"),
            (CauseKind.PDSA, "A change we are testing (a PDSA cycle)"),
            (CauseKind.NO_KNOWN_CAUSE, "No known cause"),
        ],
        error_messages={"required": "Choose what explains this signal."},
    )
    text = forms.CharField(
        label="Describe the cause (or add a note)",
        help_text="Needed for a known cause. No patient details.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        validators=[validate_no_nhs_number],
    )
    pdsa_cycle = forms.ModelChoiceField(
        label="PDSA cycle",
        help_text="Needed when a change you are testing explains the signal.",
        queryset=PDSACycle.objects.none(),
        required=False,
        empty_label="Choose a PDSA cycle",
    )
    whole_run = forms.BooleanField(
        label="Apply this to the other unreviewed points of the same run",
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, cycles: Any, run_size: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pdsa_cycle"].queryset = cycles
        self.fields["pdsa_cycle"].label_from_instance = lambda c: (
            f"{c.change_idea.title}: cycle {c.number}, {c.title}"
        )
        if run_size <= 1:
            del self.fields["whole_run"]
        else:
            self.fields["whole_run"].label = (
                f"Apply this to the {run_size - 1} other unreviewed point"
                f"{'s' if run_size > 2 else ''} of the same run"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == CauseKind.KNOWN_CAUSE and not (data.get("text") or "").strip():
            self.add_error("text", "Describe the cause.")
        if kind == CauseKind.PDSA and not data.get("pdsa_cycle"):
            self.add_error("pdsa_cycle", "Choose the PDSA cycle behind this signal.")
        return data
