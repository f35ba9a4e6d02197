"""Creating, finding and revoking API tokens, and who may use one."""

from __future__ import annotations

from datetime import timedelta

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils import timezone

from culture_of_care.access import has_role
from culture_of_care.accounts.roles import NEEDS_MFA
from culture_of_care.tokens.models import TOKEN_PREFIX, ApiToken, token_digest


def create_token(*, user, name: str, valid_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the stored row and the token itself (shown once)."""
    days = valid_days or settings.API_TOKEN_VALID_DAYS
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def find_active_token(raw: str) -> ApiToken | None:
    return ApiToken.objects.active().select_related("user").filter(digest=token_digest(raw)).first()


def api_refusal(user) -> str | None:
    """Why this person may not use the API now (None when they may).

    Applies however they authenticate: a token must not get round what the sign-in enforces.
    """
    if not user.is_active:
        return "This account is no longer active."
    if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ENABLED:
        return "Demo accounts can only use the API of a development copy of Culture of Care."
    if has_role(user, *NEEDS_MFA) and not is_mfa_enabled(user):
        return (
            "Your role needs two-factor authentication: set up an authenticator app "
            "before using the API."
        )
    return None
