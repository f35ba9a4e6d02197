from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.mfa.base.forms import AuthenticateForm as MFAAllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MFAAllauthReauthenticateForm
from django import forms
from django.contrib.auth import password_validation


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Create a password",
        help_text="At least 10 characters. Avoid common words and your name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match. Type them again.")
        return cleaned


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form without the link it puts in the password hint: the page has its
    own "I have forgotten my password" link below the button, in the NHS.UK pattern."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
        self.fields["login"].label = "E-mail address"
        self.fields["login"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class ReplaceTOTPForm(forms.Form):
    """A code from the new authenticator app proves it holds the new secret before we swap."""

    code = forms.CharField(
        label="Security code from your new app",
        help_text="The 6-digit code the new app shows for Culture of Care.",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, secret: str, **kwargs):
        self.secret = secret
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        from allauth.mfa.totp.internal import auth

        code = self.cleaned_data["code"].replace(" ", "")
        if not auth.validate_totp_code(self.secret, code):
            raise forms.ValidationError(
                "The security code is not right. Enter the 6-digit code your new app shows now."
            )
        return code


def _our_wording(form: forms.Form, labels: dict[str, tuple[str, str]]) -> None:
    """Our labels and hints on allauth's fields, without placeholders (NHS.UK uses hints)."""
    for name, (label, hint) in labels.items():
        field = form.fields[name]
        field.label = label
        field.help_text = hint
        field.widget.attrs.pop("placeholder", None)


_NEW_PASSWORD_HINT = "At least 10 characters. Avoid common words and your name."  # noqa: S105 - a hint


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _our_wording(
            self,
            {
                "oldpassword": ("Current password", ""),
                "password1": ("New password", _NEW_PASSWORD_HINT),
                "password2": ("Type the new password again", ""),
            },
        )


class SetPasswordForm(AllauthSetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _our_wording(
            self,
            {
                "password1": ("Create a password", _NEW_PASSWORD_HINT),
                "password2": ("Type the password again", ""),
            },
        )


class ReauthenticateForm(AllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _our_wording(self, {"password": ("Your password", "")})


_CODE_HINT = "The 6-digit code your authenticator app shows, or one of your recovery codes."


class MFAAuthenticateForm(MFAAllauthAuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _our_wording(self, {"code": ("Security code", _CODE_HINT)})


class MFAReauthenticateForm(MFAAllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _our_wording(self, {"code": ("Security code", _CODE_HINT)})


class NotificationPreferencesForm(forms.Form):
    """One choice per reminder kind (daily, weekly on Monday, off) and an overall e-mail switch.

    Kinds come from ``culture_of_care.notifications.kinds``; each field starts at the person's
    current setting, which is their role default until they choose.
    """

    enabled = forms.BooleanField(
        label="Send me reminder e-mails",
        required=False,
        help_text="At most one e-mail a day, at 7:30 in the morning, only when something is due.",
    )

    def __init__(self, *args, kinds: list, current: dict[str, str], enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from culture_of_care.notifications.kinds import Frequency

        self.initial["enabled"] = enabled
        self.kind_keys = []
        for kind in kinds:
            name = f"kind_{kind.key}"
            self.fields[name] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how often to hear about {kind.label.lower()}.",
                    "invalid_choice": f"Choose how often to hear about {kind.label.lower()}: "
                    "every day, once a week or never.",
                },
            )
            self.initial[name] = current.get(kind.key, Frequency.WEEKLY)
            self.kind_keys.append(kind.key)

    def kind_fields(self) -> list:
        return [self[f"kind_{key}"] for key in self.kind_keys]

    def frequencies(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"kind_{key}"] for key in self.kind_keys}
