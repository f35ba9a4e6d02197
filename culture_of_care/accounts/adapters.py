"""django-allauth adapter: no open sign-up, demo logins refused whenever DEBUG is off."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class AccountAdapter(DefaultAccountAdapter):
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
