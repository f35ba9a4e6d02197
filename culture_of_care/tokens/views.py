"""The API tokens section of a person's account: create (shown once), list and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from culture_of_care.tokens import services
from culture_of_care.tokens.forms import CreateTokenForm, RevokeTokenForm


def _page(request: HttpRequest, form: CreateTokenForm, new_token: str = "", status: int = 200):
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "tokens/token_list.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = CreateTokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, form, status=400)
        token, raw = services.create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            valid_days=form.cleaned_data["valid_days"],
        )
        # Shown in this response only: the page is never cached and the token is not stored.
        return _page(request, CreateTokenForm(user=request.user), new_token=raw, status=201)
    return _page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the owner's own tokens: anyone else's is "not found".
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    form = RevokeTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.revoke_token(token)
        messages.success(request, f"The token \u201c{token.name}\u201d is revoked.")
        return redirect("tokens:list")
    status = 400 if form.is_bound else 200
    return render(
        request, "tokens/token_revoke.html", {"form": form, "token": token}, status=status
    )
