"""``Authorization: Bearer <token>`` for the REST API, and the checks every API request passes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from culture_of_care.tokens.models import ApiToken
from culture_of_care.tokens.services import api_refusal, find_active_token

# Recording every use would write on every request; once a minute tells the owner enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>', with nothing else."
            )
        try:
            raw = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        token = find_active_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid: it may have expired or been revoked."
            )
        refusal = api_refusal(token.user)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return f'{self.keyword} realm="api"'


class MayUseApi(BasePermission):
    """Signed in, and allowed the API now: MFA set up where the role needs it, no demo login
    outside development (for a session as well as a token)."""

    message = "Sign in to use the API."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        refusal = api_refusal(user)
        if refusal:
            self.message = refusal
            return False
        return True


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes the bearer tokens in the OpenAPI schema (and the docs page's Authorize box)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from your account's API tokens page.",
        }
