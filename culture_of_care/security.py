"""Response headers that protect every page (issue 16).

Django's SecurityMiddleware sends HSTS, nosniff, the referrer and cross-origin-opener policies and
django-csp sends the Content-Security-Policy; this adds what neither does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    parts = []
    for feature, allowed in policy.items():
        origins = " ".join("self" if origin == "self" else f'"{origin}"' for origin in allowed)
        parts.append(f"{feature}=({origins})")
    return ", ".join(parts)


def sso_origins() -> list[str]:
    """Origins of the configured single sign-on providers (read at request time)."""
    providers = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}) or {}
    origins = []
    for provider in providers.values():
        for app in provider.get("APPS", []):
            url = (app.get("settings") or {}).get("server_url", "")
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, letting the sign-in forms post on to a configured SSO provider
    (browsers apply form-action to the redirect that follows a form)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = sso_origins()
        if origins and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            parts.update = update
        return parts


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SecurityHeadersMiddleware:
    """Adds the Permissions-Policy header to every response, and ``Cache-Control: no-store`` to
    everything a signed-in person is sent (coaching notes must not stay in a shared computer's
    cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(
            getattr(settings, "PERMISSIONS_POLICY", {})
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = _signed_in(request)
        response = self.get_response(request)
        if signed_in or _signed_in(request):  # before, or just signed in by this request
            add_never_cache_headers(response)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


# --- Sessions (issue 16, item 4) ------------------------------------------------------------------

LAST_ACTIVITY_KEY = "_last_activity"
# Requests a page's own script makes on a timer: they neither count as activity nor sign out.
KEEPALIVE_PATH = "/accounts/session/keepalive/"


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("HX-Request") == "true"
        or request.path == KEEPALIVE_PATH
        or "application/json" in request.headers.get("Accept", "")
    )


class SessionIdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request.

    Each request from a signed-in person restarts the clock. Pages warn SESSION_IDLE_WARNING
    seconds before (static/js/session-timeout.js), keep what was typed, and can extend the
    session; a request that arrives after the timeout is answered as if signed out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT:
                return self._signed_out(request)
            # Writing the session on every request would cost a query each time; a coarser
            # clock is enough, and always finer than the warning so "Stay signed in" still works.
            resolution = min(settings.SESSION_IDLE_RESOLUTION, settings.SESSION_IDLE_WARNING // 2)
            if last is None or now - float(last) >= resolution or request.path == KEEPALIVE_PATH:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        minutes = settings.SESSION_IDLE_TIMEOUT // 60
        text = (
            f"You were signed out because you had not used Culture of Care for {minutes} "
            "minutes. Sign in again to carry on."
        )
        if _wants_json(request):
            response = JsonResponse({"detail": text}, status=401)
            response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
            return response
        messages.info(request, text)
        next_url = request.get_full_path() if request.method == "GET" else request.path
        return redirect_to_login(next_url)


@receiver(user_logged_in)
def _start_the_idle_clock(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Signing in is activity: the clock starts with the session, not with the next request."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_ACTIVITY_KEY] = time.time()


@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: the middleware has already restarted the clock."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "You are signed out."}, status=401)
    return JsonResponse({"timeout": settings.SESSION_IDLE_TIMEOUT})


def session_timeout_context(request: HttpRequest) -> dict[str, Any]:
    """What base.html needs to warn before the session times out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_warning": settings.SESSION_IDLE_WARNING,
    }
