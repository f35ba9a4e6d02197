from allauth.account.forms import LoginForm as AllauthLoginForm
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
