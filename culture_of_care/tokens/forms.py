from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from culture_of_care.guards import validate_no_nhs_number


class PasswordConfirmMixin(forms.Form):
    """Asks for the person's current password again before a change to their credentials."""

    password = forms.CharField(
        label="Your current password",
        help_text="Type your password again to confirm it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password. Type it again.")
        return password


def _validity_choices() -> list[tuple[int, str]]:
    days = sorted({30, settings.API_TOKEN_VALID_DAYS, settings.API_TOKEN_MAX_VALID_DAYS})
    return [(d, f"{d} days") for d in days if d <= settings.API_TOKEN_MAX_VALID_DAYS]


class CreateTokenForm(PasswordConfirmMixin):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, for example \u201cTrust data warehouse\u201d.",
        max_length=100,
        validators=[validate_no_nhs_number],
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    valid_days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=_validity_choices,
        error_messages={"required": "Choose when the token expires"},
        widget=forms.RadioSelect,
    )
    field_order = ["name", "valid_days", "password"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_days"].initial = settings.API_TOKEN_VALID_DAYS

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        if self.user.api_tokens.active().filter(name__iexact=name).exists():
            raise forms.ValidationError(
                "You already have an active token with that name. Choose another name."
            )
        return name


class RevokeTokenForm(PasswordConfirmMixin):
    pass
