"""The header navigation, chosen by the roles the signed-in person holds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from culture_of_care.access import has_role, has_some_role
from culture_of_care.accounts.roles import Role

# (text, url name, roles that see it; empty means anyone with any reach)
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("Home", "home", ()),
    ("Organisations", "organisations:list", ()),
    ("Wards", "wards:list", ()),
    ("Learning library", "improvement:library", ()),
    ("Coaching", "coaching:index", ()),
    ("Risk", "risk:dashboard", ()),
    ("Onboarding", "organisations:import", (Role.PROGRAMME_ADMIN,)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not has_some_role(user):
        return {}
    items = []
    for text, name, roles in NAV:
        if roles and not has_role(user, *roles):
            continue
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue  # that part of the programme is not installed in this build
        items.append({"text": text, "href": href, "current": False})
    # One current item: the longest link the page sits under (/organisations/import/ is
    # Onboarding, not Organisations); Home only on the home page itself.
    matches = [
        item
        for item in items
        if request.path == item["href"]
        or (item["href"] != "/" and request.path.startswith(item["href"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["href"]))["current"] = True
    return {"nav_items": items}
