"""Two-factor authentication for the programme-wide roles."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from culture_of_care.access import has_role
from culture_of_care.accounts.roles import NEEDS_MFA
from culture_of_care.accounts.sso import PROVIDER_MFA_SESSION_KEY

# Pages a person may reach before setting up MFA: the set-up itself, signing out, static files.
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/accounts/invitation/",
    "/accounts/oidc/",
)


class RequireMFAMiddleware:
    """Sends programme admins and leads without an authenticator to set one up.

    Until they have one, every other page (and the API) redirects to the TOTP set-up page; a
    session signed in through an organisation provider that reported MFA counts as having one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(_ALLOWED_PREFIXES)
            and not path.startswith(settings.STATIC_URL)
            and has_role(user, *NEEDS_MFA)
            and not is_mfa_enabled(user)
            and request.session.get(PROVIDER_MFA_SESSION_KEY) != user.pk
        ):
            if request.headers.get("HX-Request"):
                # A fragment fetched by htmx (the header's count, say) must not receive the
                # whole set-up page to swap in: answer "nothing" and let the page itself,
                # which is the set-up page or about to redirect there, do the asking.
                return HttpResponse(status=204)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
