import base64

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base import views as allauth_mfa_views
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from culture_of_care.accounts import services
from culture_of_care.accounts.forms import (
    AcceptInvitationForm,
    NotificationPreferencesForm,
    ReplaceTOTPForm,
)
from culture_of_care.accounts.models import Invitation


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = Invitation.find(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = AcceptInvitationForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValueError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Choosing the password is signing in with it: allauth must not ask for it again when a
        # programme lead goes straight on to set up two-factor authentication.
        record_authentication(request, user, method="password", email=user.email)
        messages.success(request, "Your account is ready. Welcome to Culture of Care.")
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "token": token},
    )


@require_http_methods(["POST"])
def invitation_sso(request, token: str, provider_id: str):
    """Accept an invitation by signing in with the organisation account, not a new password."""
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from allauth.socialaccount.providers.base import AuthProcess
    from django.http import Http404

    from culture_of_care.accounts.sso import PENDING_INVITATION_SESSION_KEY

    invitation = Invitation.find(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
    except Exception as error:  # allauth raises SocialApp.DoesNotExist for an unknown id
        raise Http404("No such sign-in provider.") from error
    request.session[PENDING_INVITATION_SESSION_KEY] = token
    return provider.redirect(request, AuthProcess.LOGIN, next_url="/")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_account(request):
    """Link or unlink the organisation account (single sign-on) a person signs in with."""
    from allauth.socialaccount.models import SocialAccount

    from culture_of_care.accounts.sso import configured_providers

    if request.method == "POST":
        try:
            account_id = int(request.POST.get("account", ""))
        except ValueError:
            account_id = 0
        if services.sso_unlink(user=request.user, account_id=account_id):
            messages.success(request, "That organisation account no longer signs in to yours.")
        else:
            messages.error(
                request,
                "You cannot remove your only way to sign in. Set a password first "
                "(use 'I have forgotten my password' on the sign-in page).",
            )
        return redirect("organisation_account")
    providers = configured_providers(request)
    names = {p.app.provider_id: p.name for p in providers}
    linked = [
        {"id": account.id, "name": names.get(account.provider, account.provider)}
        for account in SocialAccount.objects.filter(user=request.user)
    ]
    return render(
        request,
        "accounts/organisation_account.html",
        {"providers": providers, "linked": linked},
    )


def not_offered(request, **kwargs):
    """allauth pages this invitation-only service does not offer (sign-up, adding e-mail
    addresses, sign-in codes): addresses are set when someone is invited."""
    raise Http404("This page is not part of Culture of Care.")


@login_required
@reauthentication_required(app="allauth.mfa")
@require_http_methods(["GET", "POST"])
def totp_replace(request):
    """Move two-factor authentication to a new app: the only change offered to roles that must
    keep it, and open to everyone else too."""
    get_object_or_404(Authenticator, user=request.user, type=Authenticator.Type.TOTP)
    secret = totp_auth.get_totp_secret(regenerate=request.method == "GET")
    form = ReplaceTOTPForm(request.POST or None, secret=secret)
    if request.method == "POST" and form.is_valid():
        services.totp_replace(user=request.user, secret=secret)
        totp_auth.clear_totp_secret(request)
        messages.success(
            request,
            "Two-factor authentication now uses your new app. The old one has stopped working.",
        )
        return redirect("mfa_index")
    adapter = get_mfa_adapter()
    svg = adapter.build_totp_svg(adapter.build_totp_url(request.user, secret))
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return render(
        request,
        "mfa/totp/replace_form.html",
        {"form": form, "secret": secret, "totp_svg_data_uri": data_uri},
    )


class MFAIndexView(allauth_mfa_views.IndexView):
    """allauth's two-factor page, told whether this person's role lets them turn it off."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totp = context["authenticators"].get(Authenticator.Type.TOTP)
        context["mfa_can_turn_off"] = bool(totp) and get_mfa_adapter().can_delete_authenticator(
            totp.instance
        )
        return context


mfa_index = MFAIndexView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The person's own account: details, signing in and security, and reminder e-mails."""
    from culture_of_care.notifications import kinds as registry
    from culture_of_care.notifications.selectors import frequencies_for
    from culture_of_care.notifications.services import notification_preferences_set

    user = request.user
    form = NotificationPreferencesForm(
        request.POST or None,
        kinds=registry.all_kinds(),
        current=frequencies_for(user),
        enabled=user.wants_daily_digest,
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(
            user=user, frequencies=form.frequencies(), enabled=form.cleaned_data["enabled"]
        )
        messages.success(request, "Your reminder choices are saved.")
        return redirect("account")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "has_mfa": _has_mfa(user)},
        status=400 if form.errors else 200,
    )


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisation leads and programme admins send an unaccepted invitation again."""
    invitation = services.invitations_manageable_by(request.user).filter(pk=pk).first()
    if invitation is None:
        raise Http404("Not found")
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"We are sending the invitation to {invitation.user.email} again. "
            "The link in any earlier e-mail no longer works.",
        )
    target = request.POST.get("next", "")
    if not (
        target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()})
    ):
        target = (
            reverse("organisations:invite", args=[invitation.organisation.ods_code])
            if invitation.organisation_id
            else reverse("home")
        )
    return HttpResponseRedirect(target)
