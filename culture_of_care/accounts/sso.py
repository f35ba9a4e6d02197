"""Single sign-on with the organisation's own account (OpenID Connect, e.g. Microsoft Entra ID).

Product decisions, recorded where they are made:
- Invitation only, still. A sign-in through a provider never creates a person. It reaches an
  account only when that account was linked before (by its owner, from the invitation or the
  organisation account page), or when a programme admin has allowed automatic linking for the
  e-mail domain of an organisation the person already belongs to and the provider says the
  address is verified. Anything else is refused with a page that says who to ask.
- MFA. Programme admins and leads must use two-factor authentication. A provider that reports MFA
  in the ID token's ``amr`` claim (RFC 8176; Entra ID sends ``mfa``) satisfies that for the
  session; otherwise our own TOTP is asked as after a password sign-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin

    from culture_of_care.accounts.models import User

# Session keys: the invitation a person is accepting through their organisation account, and
# the fact that this session's sign-in was multi-factor at the provider.
PENDING_INVITATION_SESSION_KEY = "coc_sso_pending_invitation"
PROVIDER_MFA_SESSION_KEY = "coc_sso_provider_mfa"


def configured_providers(request: HttpRequest) -> list[Any]:
    """The OpenID Connect providers configured for this deployment (none by default)."""
    from allauth.socialaccount.adapter import get_adapter

    return get_adapter(request).list_providers(request)


def provider_reported_mfa(sociallogin: SocialLogin | None) -> bool:
    """Whether the provider says this sign-in used more than one factor (the ``amr`` claim)."""
    if sociallogin is None or sociallogin.account is None:
        return False
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") if isinstance(data, dict) else None
    amr = (id_token or {}).get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted = {value.lower() for value in settings.OIDC_MFA_AMR_VALUES}
    return any(str(value).lower() in wanted for value in amr)


def _verified_email(sociallogin: SocialLogin) -> str | None:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.lower()
    return None


def _refuse(request: HttpRequest, sociallogin: SocialLogin, reason: str) -> None:
    email = (sociallogin.user.email if sociallogin.user else "") or ""
    raise ImmediateHttpResponse(
        render(
            request,
            "accounts/sso_refused.html",
            {"email": email, "reason": reason, "provider_name": sociallogin.provider.name},
            status=403,
        )
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Invitation-only single sign-on: see the module docstring for the rules."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        from culture_of_care.accounts import services

        process = sociallogin.state.get("process")
        if sociallogin.is_existing:
            if process == AuthProcess.CONNECT and sociallogin.user != request.user:
                _refuse(request, sociallogin, "linked_elsewhere")
            return
        if process == AuthProcess.CONNECT:
            # The signed-in person links their own organisation account: allauth connects it.
            return
        token = request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        if token:
            user = services.invitation_accept_with_sso(token=token, sociallogin=sociallogin)
            if user is None:
                _refuse(request, sociallogin, "invitation_used")
            sociallogin.connect(request, user)
            return
        email = _verified_email(sociallogin)
        user = services.sso_auto_link_target(email=email) if email else None
        if user is not None:
            sociallogin.connect(request, user)
            services.sso_record_link(user=user, sociallogin=sociallogin, how="automatic")
            return
        _refuse(request, sociallogin, "unknown")

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount: Any) -> str:
        from django.urls import reverse

        return reverse("organisation_account")


def user_requires_mfa(user: User) -> bool:
    from culture_of_care.access import has_role
    from culture_of_care.accounts.roles import NEEDS_MFA

    return has_role(user, *NEEDS_MFA)
