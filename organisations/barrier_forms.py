"""Forms of the barrier loop: raising a barrier, and each step the middle tier takes.

Free text refuses NHS numbers (the model fields and ``validate_no_nhs_number``); messages say
exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from culture_of_care.guards import validate_no_nhs_number
from organisations.models import Barrier, BarrierImpact, BarrierKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BarrierRaiseForm(forms.ModelForm):
    """What gets in the way, what it blocks, and how much it hurts."""

    kind = forms.ChoiceField(
        label="What kind of barrier is it?",
        choices=BarrierKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of barrier."},
    )
    impact = forms.TypedChoiceField(
        label="How much does it get in the way?",
        choices=BarrierImpact.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much it gets in the way."},
    )

    class Meta:
        model = Barrier
        fields = list(Barrier.RAISED_FIELDS)
        labels = {
            "commitments": "Which Culture of Care commitments does it touch? (optional)",
            "blocked_idea": "Change idea it blocks (optional)",
            "blocked_cycle": "PDSA cycle it blocks (optional)",
            "with_lived_experience": "We raised this with people with lived experience",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "commitments": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": "Say in a few words what gets in the way."},
            "description": {"required": "Tell us more: what happens, and what it stops you doing."},
        }

    def __init__(self, *args: Any, ideas: Any, cycles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from culture_of_care.improvement.models import Commitment

        self.fields["commitments"].queryset = Commitment.objects.order_by("number")
        self.fields["blocked_idea"].queryset = ideas
        self.fields["blocked_idea"].empty_label = "None in particular"
        self.fields["blocked_cycle"].queryset = cycles
        self.fields["blocked_cycle"].empty_label = "None in particular"
        self.fields["blocked_cycle"].label_from_instance = lambda c: (
            f"{c.change_idea.title}: cycle {c.number}, {c.title}"
        )
        self.fields["title"].error_messages["max_length"] = (
            "Keep the summary to 200 characters; put the detail in 'Tell us more'."
        )


def _text(label: str, *, required: bool = True, message: str = "", help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        validators=[validate_no_nhs_number],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={"required": message} if message else {},
    )


class AcknowledgeForm(forms.Form):
    note = _text(
        "Message to the ward (optional)",
        required=False,
        help_text="For example: who is looking at it, and when you will come back to them.",
    )


class PlanForm(forms.Form):
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        validators=[validate_no_nhs_number],
        help_text="A person or a named role, for example Head of Workforce.",
        error_messages={"required": "Name the person or role who owns the plan."},
    )
    due_on = forms.DateField(
        label="Due by",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date the plan is due by.",
            "invalid": "Enter the date the plan is due by as a real date, for example 31 3 2026.",
        },
    )
    plan = _text("What will be done", message="Say what will be done.")

    def clean_due_on(self) -> Any:
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise forms.ValidationError("The date the plan is due by must be today or later.")
        return value


class LinkForm(forms.Form):
    change_idea = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Middle-tier change idea",
        empty_label="Choose a change idea",
    )
    cycle = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Or a PDSA cycle of the middle-tier project",
        empty_label="Choose a PDSA cycle",
    )
    note = _text("Message to the ward (optional)", required=False)

    def __init__(self, *args: Any, ideas: Any, cycles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = ideas
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda c: (
            f"{c.change_idea.title}: cycle {c.number}, {c.title}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        idea, cycle = data.get("change_idea"), data.get("cycle")
        if not idea and not cycle and not self.errors:
            self.add_error(
                "change_idea", "Choose a change idea or a PDSA cycle of the middle-tier project."
            )
        if idea and cycle and cycle.change_idea_id != idea.id:
            self.add_error("cycle", "That PDSA cycle tests another change idea.")
        return data


class ResolveForm(forms.Form):
    what_changed = _text(
        "What changed",
        message="Tell the ward what changed.",
        help_text="The ward reads this in 'You said, we did'.",
    )


class CannotChangeForm(forms.Form):
    reason = _text(
        "Why it cannot change here",
        message="Tell the ward why it cannot change here.",
        help_text="For example a national rule, and who the organisation has told about it.",
    )


class EscalateForm(forms.Form):
    reason = _text(
        "Why the board needs to see it",
        message="Say why the board needs to see this barrier.",
    )


class QueueFilterForm(forms.Form):
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("newest", "Newest first"), ("untouched", "Oldest untouched first")],
    )
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("open", "Open barriers"), ("closed", "Closed barriers"), ("all", "All")],
    )


# The middle tier's steps: the form each takes, as the pages and the API offer them.
@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    button: str
    form: type
    done: str


ACTIONS: dict[str, Step] = {
    step.slug: step
    for step in (
        Step(
            "acknowledge",
            "Acknowledge",
            "Acknowledge",
            AcknowledgeForm,
            "Acknowledged: the ward can see you have heard.",
        ),
        Step(
            "plan",
            "Plan what will be done",
            "Save the plan",
            PlanForm,
            "Plan saved: the ward can see who owns it and by when.",
        ),
        Step(
            "link",
            "Link to middle-tier work",
            "Link",
            LinkForm,
            "Linked to the middle-tier project.",
        ),
        Step(
            "resolve",
            "Resolve",
            "Resolve",
            ResolveForm,
            "Resolved: the ward can see what changed.",
        ),
        Step(
            "cannot-change",
            "Cannot change here",
            "Close as cannot change here",
            CannotChangeForm,
            "Closed: the ward can see why it cannot change here.",
        ),
        Step(
            "escalate",
            "Take to the board",
            "Take to the board",
            EscalateForm,
            "On the board's list.",
        ),
    )
}
