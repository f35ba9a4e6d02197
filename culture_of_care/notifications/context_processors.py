"""The count of what needs the signed-in person, for the header.

Pages never compute it (that would add a dozen queries to every page): the header shows the
cached count when there is one, and otherwise asks for it once the page has loaded (htmx,
``notifications:count``), which computes and caches it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest


def what_needs_you(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from culture_of_care.notifications.services import count_cache_key

    return {"what_needs_you_count": cache.get(count_cache_key(user.pk))}
