from __future__ import annotations

from django import forms

from culture_of_care.guards import validate_no_nhs_number
from organisations.models import ProviderType, Region
from wards.models import Ward


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="Name or ODS code", required=False, max_length=100)
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions"), *Region.choices]
    )
    provider_type = forms.ChoiceField(
        label="Provider type",
        required=False,
        choices=[("", "All provider types"), *ProviderType.choices],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(name__icontains=q) | queryset.filter(ods_code__iexact=q)
        if data.get("region"):
            queryset = queryset.filter(region=data["region"])
        if data.get("provider_type"):
            queryset = queryset.filter(provider_type=data["provider_type"])
        return queryset


class InviteWardMemberForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, validators=[validate_no_nhs_number]
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="We will send a link to this address. It works once and expires in 14 days.",
        error_messages={
            "invalid": "Enter an e-mail address in the right format, like name@example.nhs.uk."
        },
    )
    ward = forms.ModelChoiceField(
        label="Ward",
        queryset=Ward.objects.none(),
        empty_label="Choose a ward",
        error_messages={"required": "Choose the ward this person works on."},
    )
    lived_experience = forms.BooleanField(
        label="This person brings lived experience",
        required=False,
        help_text="Only record this with their consent. It is used to count co-production.",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this organisation's wards can be chosen.
        self.fields["ward"].queryset = organisation.wards.all()
        self.fields["full_name"].error_messages["required"] = "Enter the person's full name."
        self.fields["email"].error_messages["required"] = "Enter the person's e-mail address."


class PersonRolesForm(forms.Form):
    """The roles one person holds in one organisation (issue 15 item 2)."""

    roles = forms.MultipleChoiceField(
        label="Roles across the organisation",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wards = forms.ModelMultipleChoiceField(
        label="Ward team member on",
        required=False,
        queryset=Ward.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, grantable, actor_is_person=False, **kwargs):
        super().__init__(*args, **kwargs)
        from culture_of_care.accounts.roles import Role

        labels = dict(Role.choices)
        self.fields["roles"].choices = [(role, labels[role]) for role in grantable]
        self.fields["wards"].queryset = organisation.wards.order_by("name")
        self.actor_is_person = actor_is_person

    def clean(self):
        from culture_of_care.accounts.roles import Role

        cleaned = super().clean()
        if not cleaned.get("roles") and not cleaned.get("wards"):
            raise forms.ValidationError(
                "Choose at least one role. If this person has left, deactivate them instead."
            )
        if self.actor_is_person and Role.ORGANISATION_LEAD not in cleaned.get("roles", []):
            self.add_error(
                "roles",
                "You cannot remove your own organisation lead role. Ask another lead or the "
                "programme team.",
            )
        return cleaned
