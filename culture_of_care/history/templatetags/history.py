from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from culture_of_care.history.selectors import may_see_history
from culture_of_care.history.views import kind_of

register = template.Library()


@register.inclusion_tag("history/_link.html", takes_context=True)
def history_link(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    """A link to ``obj``'s history, for those who may see it (nothing for anyone else)."""
    request = context.get("request")
    kind = kind_of(obj)
    if request is None or kind is None or not may_see_history(request.user, obj):
        return {"href": None}
    return {"href": reverse("history:object", args=[kind, obj.pk]), "name": str(obj)}
