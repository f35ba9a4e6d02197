"""django-allauth adapters: no open sign-up, demo logins refused whenever DEBUG is off, and
two-factor authentication that the roles needing it cannot switch off."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Sign-in to this account is paused after too many wrong passwords. Try again in a "
            "few minutes, or reset your password to sign in now."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as our trusted proxies saw it (ALLAUTH_TRUSTED_PROXY_COUNT).

        A request that reached us without passing every proxy (fewer X-Forwarded-For entries
        than proxies) is keyed by its direct peer, never a 500; one with no usable address at all
        shares a single bucket rather than being refused.
        """
        count = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [part for part in forwarded if part]
        candidate = forwarded[-count] if count and len(forwarded) >= count else None
        for ip in (candidate, request.META.get("REMOTE_ADDR")):
            cleaned = clean_client_ip(ip) if ip else None
            if cleaned:
                return cleaned
        return "0.0.0.0"  # noqa: S104 - a bucket name, not an address we bind to

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join by invitation only."""
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ENABLED:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(
                request,
                "Demo accounts can only sign in to a development copy of Culture of Care.",
            )
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with our MFA step that honours a provider's own MFA."""
        ours = "culture_of_care.accounts.stages.AuthenticateStage"
        return [
            ours if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Remember, for this session only, whether the provider vouched for a second factor."""
        from culture_of_care.accounts.sso import PROVIDER_MFA_SESSION_KEY, provider_reported_mfa

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if provider_reported_mfa(sociallogin):
            request.session[PROVIDER_MFA_SESSION_KEY] = user.pk
        else:
            request.session.pop(PROVIDER_MFA_SESSION_KEY, None)
        return super().post_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """No second password prompt when setting up MFA straight after signing in.

        Programme admins and leads are sent to the authenticator set-up as soon as they sign in;
        asking for the password again there helps nobody. A sign-in within the last few
        minutes counts as recent; otherwise allauth's own rule applies.
        """
        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor authentication in our wording, and never switched off by a role that needs it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role must use two-factor authentication, so it cannot be turned off. "
            "You can move it to a new authenticator app instead."
        ),
        "incorrect_code": "The security code is not right. Enter the 6-digit code your app shows now.",
        "unverified_email": (
            "Two-factor authentication cannot be set up yet. Contact your programme team."
        ),
    }

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        """Programme admins and leads may replace their authenticator but never remove it: with
        none, every page would send them to set one up again."""
        from culture_of_care.access import has_role
        from culture_of_care.accounts.roles import NEEDS_MFA

        return not has_role(authenticator.user, *NEEDS_MFA)
