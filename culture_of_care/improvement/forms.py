"""Forms for the QI method pages. Messages say what is wrong and how to put it right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.apps import apps
from django.db import models
from django.utils import timezone

from culture_of_care.dateinput import NHSDateField
from culture_of_care.guards import validate_no_nhs_number
from culture_of_care.improvement import stages
from culture_of_care.improvement.data_entry import parse_month
from culture_of_care.improvement.models import (
    SCORE_CHOICES,
    ChangeIdeaStatus,
    ChangeTheory,
    Commitment,
    Decision,
    DriverNode,
    Measure,
    MeasureKind,
    NodeKind,
    PDSACycle,
    Project,
    ScoredBy,
    TheoryStatus,
)
from culture_of_care.improvement.services import PARENT_KIND
from culture_of_care.periods import add_months, month_start

# Of the element apps only Organisation and Ward (the tenancy foundation) are imported; the rest
# is reached by model name.
ServiceType = apps.get_model("wards", "ServiceType")


class MonthField(forms.CharField):
    """A month typed as 2026-03 (a browser month picker sends this) or 'March 2026'."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> date | None:
        text = super().to_python(value)
        if not text:
            return None
        parsed = parse_month(text)
        if parsed is None:
            raise forms.ValidationError("Enter the month as a year and month, like 2026-03.")
        return parsed

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return value


def _text(label: str, *, required: bool = False, rows: int = 3, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[validate_no_nhs_number],
    )


# --- Change theories ---------------------------------------------------------------------


class DriverNodeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of node",
        choices=NodeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of node."},
    )
    text = forms.CharField(
        label="Text",
        max_length=300,
        validators=[validate_no_nhs_number],
        help_text='Change ideas should read naturally after "to test...".',
        error_messages={"required": "Enter the text of the node."},
    )
    description = _text("Description (optional)")
    code = forms.SlugField(
        label="Code (optional)",
        required=False,
        max_length=60,
        help_text="A short code other parts of the programme can refer to, like ward-p-safety.",
    )
    parents = forms.ModelMultipleChoiceField(
        label="Sits under",
        queryset=DriverNode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A primary driver sits under the aim, a secondary driver under primary "
        "drivers, a change idea under secondary drivers.",
    )
    commitments = forms.ModelMultipleChoiceField(
        label="Culture of Care commitments it serves",
        queryset=Commitment.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, theory: ChangeTheory, node: DriverNode | None = None, **kw):
        if node is not None and "initial" not in kw:
            kw["initial"] = {
                "kind": node.kind,
                "text": node.text,
                "description": node.description,
                "code": node.code,
                "parents": list(node.parents.all()),
                "commitments": list(node.commitments.all()),
            }
        super().__init__(*args, **kw)
        self.theory = theory
        self.node = node
        qs = theory.nodes.exclude(kind=NodeKind.CHANGE_IDEA)
        if node is not None:
            qs = qs.exclude(pk=node.pk)
        self.fields["parents"].queryset = qs.order_by("order", "id")
        self.fields["parents"].label_from_instance = lambda n: f"{n.get_kind_display()}: {n.text}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        parents = data.get("parents") or []
        if kind and kind != NodeKind.AIM:
            wanted = PARENT_KIND[kind]
            wrong = [p for p in parents if p.kind != wanted]
            if wrong:
                self.add_error(
                    "parents",
                    f"A {NodeKind(kind).label.lower()} can only sit under a "
                    f"{NodeKind(wanted).label.lower()}.",
                )
        if (
            kind == NodeKind.AIM
            and self.node is None
            and self.theory.nodes.filter(kind=NodeKind.AIM).exists()
        ):
            self.add_error("kind", "This change theory already has an aim. Edit that one.")
        return data


# --- Projects ----------------------------------------------------------------------------


class ProjectForm(forms.Form):
    aim_what = forms.CharField(
        label="What we will improve",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_nhs_number],
        error_messages={"required": "Enter what you will improve."},
    )
    aim_how_much = forms.CharField(
        label="By how much",
        max_length=200,
        validators=[validate_no_nhs_number],
        help_text="For example, a 30% fall in restrictive practice per 1,000 occupied bed days.",
        error_messages={"required": "Enter by how much."},
    )
    aim_by_when = NHSDateField(
        label="By when",
        example="For example, 31 3 2027",
        required_message="Enter the date you aim to get there by.",
    )
    change_theory = forms.ModelChoiceField(
        label="Change theory this project follows",
        queryset=ChangeTheory.objects.none(),
        required=False,
        empty_label="None",
    )
    team = forms.ModelMultipleChoiceField(
        label="Team members",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.ModelMultipleChoiceField(
        label="National measures this project reports",
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose a family of 4 to 10 measures: outcome, process and balancing. Add "
        "local measures on the project page.",
    )

    def __init__(self, *args: Any, project: Project, people: Any, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "aim_what": project.aim_what,
                "aim_how_much": project.aim_how_much,
                "aim_by_when": project.aim_by_when,
                "change_theory": project.change_theory,
                "team": list(project.team.all()),
                "measures": list(project.measures.filter(organisation__isnull=True)),
            }
        super().__init__(*args, **kwargs)
        level = "ward" if project.ward_id else "organisation"
        self.fields["change_theory"].queryset = ChangeTheory.objects.filter(level=level).exclude(
            status=TheoryStatus.DRAFT
        ) | ChangeTheory.objects.filter(pk=project.change_theory_id or 0)
        self.fields["team"].queryset = people
        self.fields["team"].label_from_instance = lambda u: (
            u.full_name + (" (brings lived experience)" if u.lived_experience else "")
        )
        self.fields["measures"].queryset = Measure.objects.national().filter(is_active=True)

    def clean_aim_by_when(self) -> date:
        value = self.cleaned_data["aim_by_when"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The date you aim to get there by must be in the future.")
        return value


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "type",
            "definition",
            "kind",
            "numerator_label",
            "denominator_label",
            "multiplier",
            "improvement",
            "frequency",
            "target",
            "disaggregated",
            "uses_bed_days",
        ]
        labels = {
            "name": "Name of the measure",
            "type": "Type of measure",
            "kind": "What kind of number it is",
            "numerator_label": "Numerator (what you count)",
            "denominator_label": "Denominator (what you divide by)",
            "improvement": "Direction of improvement",
            "target": "Target (optional)",
        }
        help_texts = {
            "definition": "Exactly what is counted and what is not, so everyone counts the same.",
            "multiplier": "For a rate per 1,000 occupied bed days, enter 1000.",
            "denominator_label": "Leave blank for a count.",
        }
        widgets = {
            "type": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "improvement": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "definition": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter the name of the measure."},
            "type": {"required": "Choose the type of measure."},
            "kind": {"required": "Choose what kind of number it is."},
            "numerator_label": {"required": "Enter what you count."},
            "improvement": {"required": "Choose the direction of improvement."},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != MeasureKind.COUNT and not data.get("denominator_label"):
            self.add_error(
                "denominator_label", "Enter what you divide by for this kind of measure."
            )
        if data.get("uses_bed_days") and kind != MeasureKind.RATE:
            self.add_error("uses_bed_days", "Only a rate can be per occupied bed days.")
        return data


# --- Change ideas ------------------------------------------------------------------------


class ChangeIdeaForm(forms.Form):
    national_node = forms.ModelChoiceField(
        label="A change idea from the change theory",
        queryset=DriverNode.objects.none(),
        required=False,
        empty_label="None: we will write our own",
    )
    title = forms.CharField(
        label="Or write your own change idea",
        max_length=300,
        required=False,
        validators=[validate_no_nhs_number],
        help_text='It should read naturally after "to test...".',
    )
    description = _text("Description (optional)")
    drivers = forms.ModelMultipleChoiceField(
        label="Secondary drivers it works on",
        queryset=DriverNode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Needed for a change idea you write yourself.",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theory_id = project.change_theory_id or 0
        self.fields["national_node"].queryset = DriverNode.objects.filter(
            theory_id=theory_id, kind=NodeKind.CHANGE_IDEA
        ).order_by("order")
        self.fields["national_node"].label_from_instance = lambda n: n.text
        self.fields["drivers"].queryset = DriverNode.objects.filter(
            theory_id=theory_id, kind=NodeKind.SECONDARY
        ).order_by("order")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("national_node"):
            if not data.get("title"):
                self.add_error(
                    "title", "Pick a change idea from the change theory or write your own."
                )
            elif not data.get("drivers"):
                self.add_error("drivers", "Choose the secondary driver your change idea works on.")
        return data


class ChangeIdeaStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=ChangeIdeaStatus.choices, widget=forms.RadioSelect
    )


# --- PDSA cycles -------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = [*stages.PLAN.fields, "measures", "participants"]
        labels = {
            "title": "Name of this cycle",
            "purpose": "Purpose of the cycle",
            "objective": "Objective",
            "questions": "Questions this cycle will answer",
            "predictions": "Predictions: what you expect to happen, for each question",
            "plan_who": "Who will carry it out",
            "plan_what": "What will happen",
            "plan_when": "When",
            "plan_where": "Where",
            "data_plan": "Data to collect",
            "planned_start": "Planned start",
            "planned_end": "Planned end",
            "involvement": "How people with lived experience are involved",
            "involvement_notes": "Who with lived experience took part (no names of patients)",
            "participants": "Team members taking part",
            "measures": "Measures this cycle aims to move",
        }
        help_texts = {
            "predictions": "You need a prediction before the cycle can start.",
            "measures": (
                "The cycle is marked on these measures' charts. Choose none to mark it on "
                "every chart of the ward."
            ),
        }
        widgets = {
            "purpose": forms.RadioSelect,
            "involvement": forms.RadioSelect,
            "participants": forms.CheckboxSelectMultiple,
            "measures": forms.CheckboxSelectMultiple,
            # Every free-text part of the plan is a three-line box.
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in stages.PLAN.fields
                if isinstance(PDSACycle._meta.get_field(name), models.TextField)
            },
        }
        error_messages = {
            "title": {"required": "Enter a name for this cycle."},
            "involvement": {
                "required": "Say how people with lived experience are involved in this cycle."
            },
        }
        field_classes = {"planned_start": NHSDateField, "planned_end": NHSDateField}

    def __init__(self, *args: Any, people: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked every time: the radios start with nothing chosen and an answer is required.
        involvement = self.fields["involvement"]
        involvement.required = True
        involvement.choices = [(v, label) for v, label in involvement.choices if v != ""]
        self.fields["measures"].queryset = measures
        self.fields["measures"].required = False
        self.fields["participants"].queryset = people
        self.fields["participants"].required = False
        self.fields["participants"].label_from_instance = lambda u: (
            u.full_name + (" (brings lived experience)" if u.lived_experience else "")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end must be on or after the planned start.")
        return data


class DoForm(forms.ModelForm):
    carried_out_as_planned = forms.TypedChoiceField(
        label="Was the cycle carried out as planned?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the cycle was carried out as planned."},
    )

    class Meta:
        model = PDSACycle
        fields = list(stages.DO.fields)
        labels = {"started_on": "Date it started", "what_happened": "What happened"}
        field_classes = {"started_on": NHSDateField}
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "observations": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        if instance is not None and instance.carried_out_as_planned is not None:
            self.initial["carried_out_as_planned"] = (
                "yes" if instance.carried_out_as_planned else "no"
            )
        self.fields["what_happened"].required = True
        self.fields["what_happened"].error_messages["required"] = "Describe what happened."


class StudyForm(forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = list(stages.STUDY.fields)
        labels = {
            "results": "Results compared with your predictions",
            "learning": "What you learned",
        }
        widgets = {
            "results": forms.Textarea(attrs={"rows": 4}),
            "learning": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["results"].required = True
        self.fields["results"].error_messages["required"] = (
            "Compare the results with your predictions."
        )
        self.fields["learning"].required = True
        self.fields["learning"].error_messages["required"] = "Say what you learned."


class ActForm(forms.Form):
    decision = forms.ChoiceField(
        label="What will you do next?",
        choices=[
            (Decision.ADOPT, "Adopt: make it the way we work and scale it up"),
            (Decision.ADAPT, "Adapt: change it and test again in the next cycle"),
            (Decision.CONTINUE, "Continue testing: test again as it is, in the next cycle"),
            (Decision.ABANDON, "Abandon: stop and try another idea"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you will do next."},
    )
    next_step = _text("Next step", help_text="For adapt, what you will change in the next cycle.")
    abandon_reason = _text("Why you are abandoning this idea")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("decision") == Decision.ABANDON
            and not (data.get("abandon_reason") or "").strip()
        ):
            self.add_error("abandon_reason", "Say why you are abandoning this change idea.")
        return data


class ShareForm(forms.Form):
    shared = forms.BooleanField(
        label="Share this cycle in the learning library",
        required=False,
        help_text="Everyone in the programme will see the cycle with your ward type and region.",
    )
    share_ward_name = forms.BooleanField(
        label="Show our ward's name with it",
        required=False,
        help_text="Leave this unticked to share without naming the ward or organisation.",
    )


# --- Progress scores ---------------------------------------------------------------------


class ProgressScoreForm(forms.Form):
    scored_by = forms.ChoiceField(
        label="Whose score is this",
        choices=ScoredBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose score this is."},
    )
    month = MonthField(
        label="Month scored",
        help_text="Year and month, like 2026-03.",
        error_messages={"required": "Enter the month you are scoring."},
    )
    score = forms.TypedChoiceField(
        label="Score",
        choices=[(str(value), label) for value, label in SCORE_CHOICES],
        coerce=Decimal,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a score."},
    )
    rationale = _text("Why this score", required=True)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("month", month_start(timezone.localdate()))
        if len(allowed) == 1:
            kwargs["initial"].setdefault("scored_by", allowed[0])
        super().__init__(*args, **kwargs)
        self.fields["scored_by"].choices = [c for c in ScoredBy.choices if c[0] in allowed]
        self.fields["rationale"].error_messages["required"] = "Say why you chose this score."

    def clean_month(self) -> date:
        month = self.cleaned_data["month"]
        if month and month > month_start(timezone.localdate()):
            raise forms.ValidationError("You cannot score a month that has not started.")
        return month


# --- Data --------------------------------------------------------------------------------


class PasteForm(forms.Form):
    pasted = forms.CharField(
        label="Paste from a spreadsheet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One row a value: measure code, month (like 2026-03), numerator, denominator; "
        "optionally an ethnicity group and a note saying why an unusual value is right. "
        "Columns separated by tabs (as copied from a spreadsheet) or commas.",
    )


class UploadForm(forms.Form):
    month = MonthField(
        label="Month the data is for",
        help_text="Year and month, like 2026-03.",
        error_messages={"required": "Enter the month the data is for."},
    )
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns: ward_code, measure_code, numerator, denominator and, for values by "
        "ethnicity group, equity_group.",
        error_messages={"required": "Choose a CSV or Excel file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_month(self) -> date:
        month = self.cleaned_data["month"]
        if month and month > month_start(timezone.localdate()):
            raise forms.ValidationError("The month cannot be in the future.")
        return month


class GridWindowForm(forms.Form):
    start = MonthField(label="From", required=False)

    def clean_start(self) -> date | None:
        start = self.cleaned_data.get("start")
        if start and start < add_months(month_start(timezone.localdate()), -60):
            raise forms.ValidationError("Show at most five years at once.")
        return start


# --- Library -----------------------------------------------------------------------------


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    driver = forms.ModelChoiceField(
        label="Driver",
        queryset=DriverNode.objects.none(),
        required=False,
        empty_label="Any driver",
    )
    commitment = forms.ModelChoiceField(
        label="Commitment", queryset=Commitment.objects.all(), required=False, empty_label="Any"
    )
    ward_type = forms.ModelChoiceField(
        label="Ward type",
        queryset=ServiceType.objects.all(),
        required=False,
        empty_label="Any ward type",
    )
    decision = forms.ChoiceField(
        label="Decision", choices=[("", "Any decision"), *Decision.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = DriverNode.objects.filter(
            kind__in=[NodeKind.PRIMARY, NodeKind.SECONDARY],
            theory__status__in=[TheoryStatus.PUBLISHED],
        ).order_by("theory__level", "order")
        self.fields["driver"].label_from_instance = lambda n: f"{n.get_kind_display()}: {n.text}"


class StartFromLibraryForm(forms.Form):
    project = forms.ModelChoiceField(
        label="Which project should the change idea go on",
        queryset=Project.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose a project."},
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
