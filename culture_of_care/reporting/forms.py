from __future__ import annotations

from django import forms

from culture_of_care.guards import validate_no_nhs_number


class WardTargetForm(forms.Form):
    """A ward's own target for one measure: a number (blank clears it), or the ward's aim."""

    action = forms.ChoiceField(choices=[("set", "Set"), ("aim", "Use the aim")], initial="set")
    target = forms.DecimalField(
        label="Target",
        required=False,
        max_digits=12,
        decimal_places=3,
        error_messages={"invalid": "Enter the target as a number, like 9.5"},
    )
    note = forms.CharField(
        label="Where the target comes from",
        required=False,
        max_length=300,
        validators=[validate_no_nhs_number],
    )
