"""Forms for the risk pages: labels, hints and specific messages in plain English."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.guards import validate_no_nhs_number
from culture_of_care.periods import quarter_label, recent_quarters
from risk.models import (
    AUDIT_MEASURES,
    EVIDENCE_REQUIRED_FROM,
    CareRecordAudit,
    Cohort,
    MaturityLevel,
    MilestoneDefinition,
    MilestoneStatus,
    PracticeExample,
    SelfAssessmentRating,
    maturity_label,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MATURITY_CHOICES = [
    (level.value, f"{level.value} {level.label.lower()}") for level in MaturityLevel
]


class SelfAssessmentForm(forms.Form):
    """Every domain on one page: a maturity level (radios) and the evidence for it."""

    quarter = forms.TypedChoiceField(
        label="Quarter assessed",
        coerce=date.fromisoformat,
        error_messages={"required": "Choose the quarter you are assessing."},
    )

    def __init__(
        self,
        *args: Any,
        domains: list[Any],
        previous: dict[str, SelfAssessmentRating],
        previous_label: str,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domains = domains
        quarters = recent_quarters(today or timezone.localdate(), 4)
        self.fields["quarter"].choices = [(q.isoformat(), quarter_label(q)) for q in quarters]
        for node in domains:
            before = previous.get(node.code)
            last = (
                f"{previous_label}: {maturity_label(before.level)}"
                if before
                else f"{previous_label}: not assessed"
            )
            self.fields[f"level_{node.code}"] = forms.TypedChoiceField(
                label=f"{node.text}: maturity now",
                choices=MATURITY_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=last,
                error_messages={"required": f"Choose a maturity level for {node.text}."},
            )
            self.fields[f"evidence_{node.code}"] = forms.CharField(
                label=f"{node.text}: evidence",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[validate_no_nhs_number],
                help_text="What shows this level. Needed for 4 (implementing) or 5 (embedded and sustained).",
            )

    def sections(self) -> list[dict[str, Any]]:
        return [
            {
                "domain": node,
                "level": self[f"level_{node.code}"],
                "evidence": self[f"evidence_{node.code}"],
            }
            for node in self.domains
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for node in self.domains:
            level = data.get(f"level_{node.code}")
            evidence = (data.get(f"evidence_{node.code}") or "").strip()
            if level is not None and level >= EVIDENCE_REQUIRED_FROM and not evidence:
                self.add_error(
                    f"evidence_{node.code}",
                    f"Give the evidence for {node.text}: a domain can only be rated "
                    f"4 (implementing) or 5 (embedded and sustained) with evidence.",
                )
        return data

    def ratings(self) -> dict[str, tuple[int, str]]:
        return {
            node.code: (
                self.cleaned_data[f"level_{node.code}"],
                self.cleaned_data.get(f"evidence_{node.code}") or "",
            )
            for node in self.domains
        }


class MilestoneForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=MilestoneStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where this milestone stands."},
    )
    date = forms.DateField(
        label="Date",
        required=False,
        widget=DATE_WIDGET,
        help_text="The date it was done (or started). For example, 17 March 2026.",
        error_messages={"invalid": "Enter a real date, for example 17 March 2026."},
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_nhs_number],
    )

    def __init__(self, *args: Any, definition: MilestoneDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if definition.evidence_hint:
            self.fields["evidence"].help_text = f"Expected: {definition.evidence_hint}."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("status") == MilestoneStatus.DONE
            and not data.get("date")
            and "date" not in self.errors
        ):
            self.add_error("date", "Enter the date this milestone was done.")
        on = data.get("date")
        if on and on > timezone.localdate():
            self.add_error("date", "The date must be today or in the past.")
        return data


class StaffTrainedForm(forms.Form):
    staff_trained_percent = forms.IntegerField(
        label="Percentage of inpatient clinical staff trained",
        min_value=0,
        max_value=100,
        help_text="A whole number from 0 to 100.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the percentage of staff trained.",
            "invalid": "Enter the percentage as a whole number, like 65.",
            "min_value": "Enter a percentage from 0 to 100.",
            "max_value": "Enter a percentage from 0 to 100.",
        },
    )
    staff_trained_on = forms.DateField(
        label="As at",
        widget=DATE_WIDGET,
        help_text="The date the figure describes.",
        error_messages={
            "required": "Enter the date the figure describes.",
            "invalid": "Enter a real date, for example 17 March 2026.",
        },
    )


class CareRecordAuditForm(forms.ModelForm):
    class Meta:
        model = CareRecordAudit
        fields = [
            "ward",
            "audit_date",
            "sample_size",
            *[name for name, _label, _direction in AUDIT_MEASURES],
            "notes",
        ]
        widgets = {
            "audit_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "sample_size": forms.NumberInput(attrs={"inputmode": "numeric"}),
            **{
                name: forms.NumberInput(attrs={"inputmode": "numeric"})
                for name, _label, _direction in AUDIT_MEASURES
            },
        }
        help_texts = {
            "notes": "Anything that helps read the results. Do not record anything about a patient.",
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        ward = self.fields["ward"]
        ward.queryset = organisation.wards.order_by("name")
        ward.empty_label = "Whole organisation"
        ward.label = "Ward audited"
        ward.help_text = "Choose a ward, or the whole organisation."
        self.fields["audit_date"].error_messages.update(
            {
                "required": "Enter the date of the audit.",
                "invalid": "Enter a real date, for example 17 March 2026.",
            }
        )
        self.fields["sample_size"].error_messages.update(
            {"required": "Enter how many records were audited."}
        )
        for name, label, _direction in AUDIT_MEASURES:
            field = self.fields[name]
            field.error_messages.update(
                {
                    "required": f"Enter a count for: {label.lower()} (0 if none).",
                    "min_value": f"{label}: the count cannot be negative.",
                }
            )
            field.help_text = "A count of records, not a percentage."

    def clean_audit_date(self) -> date:
        value = self.cleaned_data["audit_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the audit must be today or in the past.")
        return value

    def counts(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label, _direction in AUDIT_MEASURES}

    def validate_unique(self) -> None:
        # The service checks the one-audit-per-ward-and-date rule with a clearer message.
        pass


class CohortForm(forms.Form):
    cohort = forms.ChoiceField(
        label="Cohort",
        choices=Cohort.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a cohort."},
    )
    starts_on = forms.DateField(
        label="Start date",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter a real date, for example 1 April 2026."},
    )
    adviser = forms.ModelChoiceField(
        label="NCISH adviser",
        required=False,
        queryset=User.objects.none(),
        empty_label="No adviser yet",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = (
            User.objects.filter(role_assignments__role=Role.RISK_LEAD, is_active=True)
            .distinct()
            .order_by("full_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("cohort") in (Cohort.YEAR_ONE, Cohort.YEAR_TWO)
            and not data.get("starts_on")
            and "starts_on" not in self.errors
        ):
            self.add_error("starts_on", "Enter the date this organisation starts the cohort.")
        return data


class PracticeExampleForm(forms.ModelForm):
    class Meta:
        model = PracticeExample
        fields = ["title", "kind", "body", "published"]
        widgets = {"kind": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 10})}
        labels = {"published": "Publish this example to every organisation in the programme"}
        help_texts = {
            "body": "What you changed, how, and what you learned. Do not record anything about a patient.",
            "published": "Organisations in year one and year two will be able to read it.",
        }
        error_messages = {
            "title": {"required": "Enter a title."},
            "kind": {"required": "Choose what changed."},
            "body": {"required": "Describe what you changed and what you learned."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != ""]


class PracticeSearchForm(forms.Form):
    q = forms.CharField(label="Search practice examples", required=False, max_length=200)
    kind = forms.ChoiceField(label="What changed", required=False, choices=[("", "Everything")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from risk.models import PracticeKind

        self.fields["kind"].choices = [("", "Everything"), *PracticeKind.choices]


class MilestoneDefinitionForm(forms.ModelForm):
    class Meta:
        model = MilestoneDefinition
        fields = ["name", "evidence_hint", "order", "is_active"]
        labels = {"is_active": "On every organisation's checklist"}
        error_messages = {"name": {"required": "Enter the milestone's name."}}


class NewMilestoneDefinitionForm(MilestoneDefinitionForm):
    class Meta(MilestoneDefinitionForm.Meta):
        fields = ["code", "name", "evidence_hint", "order", "is_active"]
        help_texts = {"code": "A short identifier of lower-case letters, digits and underscores."}
        error_messages = {
            "name": {"required": "Enter the milestone's name."},
            "code": {"required": "Enter a short identifier."},
        }
