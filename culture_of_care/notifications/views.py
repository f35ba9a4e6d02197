"""What needs you (the in-app list), marking items done or dismissed, and one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from culture_of_care.notifications import kinds as registry
from culture_of_care.notifications import selectors, services
from culture_of_care.notifications.models import ItemState


@login_required
def what_needs_you(request: HttpRequest) -> HttpResponse:
    """Everything due for the signed-in person, grouped by kind, with done and dismiss."""
    today = timezone.localdate()
    items = selectors.due_items_for(request.user, today)
    groups = []
    for kind in registry.all_kinds():
        mine = [i for i in items if i.kind == kind.key]
        if mine:
            groups.append({"kind": kind, "items": mine})
    marked = selectors.marked_items_for(request.user)
    return render(
        request,
        "notifications/what_needs_you.html",
        {"groups": groups, "total": len(items), "marked": marked},
    )


@login_required
def count(request: HttpRequest) -> HttpResponse:
    """The header's count badge (fetched once a page has loaded, then cached)."""
    return render(
        request,
        "notifications/count_badge.html",
        {"count": selectors.count_for_header(request.user)},
    )


@login_required
@require_POST
def mark(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    key = request.POST.get("key", "")
    action = request.POST.get("action", "")
    if registry.get(kind) is None or not key or len(key) > 200:
        return HttpResponseBadRequest("That reminder was not recognised.")
    if action == "undo":
        services.notification_unmark(user=request.user, kind=kind, object_key=key)
        messages.success(request, "Put back on your list.")
    elif action in ItemState.values:
        services.notification_mark(user=request.user, kind=kind, object_key=key, state=action)
        messages.success(
            request, "Marked as done." if action == ItemState.DONE else "Dismissed from your list."
        )
    else:
        return HttpResponseBadRequest("Choose done, dismiss or put back.")
    return redirect("notifications:list")


@csrf_exempt  # the signed token is the authority; mail clients post here without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (a page never changes anything on GET, and link scanners
    follow links); POST turns the kind off. RFC 8058 one-click clients POST directly."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    user, kind_key = found
    kind = registry.get(kind_key)
    context = {"person": user, "kind": kind, "token": token}
    if request.method == "POST":
        services.notification_unsubscribe(user=user, kind=kind_key)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
