"""allauth login stages of our own."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.http import HttpRequest

from culture_of_care.accounts.sso import provider_reported_mfa


class AuthenticateStage(AllauthAuthenticateStage):
    """Our TOTP step, skipped only when the organisation's provider reports MFA (``amr``).

    A password sign-in, or a provider sign-in without a second factor, still asks for the code.
    """

    def _should_handle(self, request: HttpRequest) -> bool:
        signal_kwargs = self.login.signal_kwargs or {}
        if provider_reported_mfa(signal_kwargs.get("sociallogin")):
            return False
        return super()._should_handle(request)
