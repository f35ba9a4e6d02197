"""Writes about people: inviting them, accepting invitations, granting roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.models import Invitation, RoleAssignment, User
from culture_of_care.audit.services import audit_record


def user_get_or_create(
    *, email: str, full_name: str, lived_experience: bool = False, job_title: str = ""
) -> tuple[User, bool]:
    """The person with this e-mail address, created without a password if new."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User.objects.create_user(
        email=email,
        full_name=full_name.strip(),
        lived_experience=lived_experience,
        job_title=job_title,
    )
    return user, True


def role_grant(
    *,
    user: User,
    role: str,
    organisation_id: int | None = None,
    ward_id: int | None = None,
    actor: Any = None,
) -> tuple[RoleAssignment, bool]:
    """Give ``user`` a role (idempotent)."""
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation_id=organisation_id, ward_id=ward_id
    )
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            obj=assignment,
            organisation_id=organisation_id,
            summary=f"{user.email} given role {role}",
        )
    return assignment, created


@transaction.atomic
def invitation_create(
    *,
    user: User,
    invited_by: Any = None,
    organisation_id: int | None = None,
    site_url: str | None = None,
) -> Invitation:
    """Create a single-use invitation and e-mail its link once the transaction commits.

    ``site_url`` is the address the inviter is using (``site_url_of(request)``), so the link
    works wherever the app is served; without a request, ``settings.SITE_URL``.
    """
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        user=user,
        token_hash=token_hash,
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
        organisation_id=organisation_id,
        expires_at=Invitation.default_expiry(),
    )
    audit_record(
        actor=invited_by,
        action="invitation.create",
        obj=invitation,
        organisation_id=organisation_id,
        summary=f"Invited {user.email}",
    )
    from culture_of_care.accounts.tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.id, token, site_url=site_url))
    return invitation


def site_url_of(request: Any) -> str:
    """The address this request reached the app on (its host checked against ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


def invitation_send(*, invitation_id: int, token: str, site_url: str | None = None) -> bool:
    """Send the invitation e-mail unless it has already gone (a retried task sends once)."""
    invitation = Invitation.objects.select_related("user", "invited_by").get(id=invitation_id)
    if invitation.sent_at is not None:
        return False
    base = (site_url or settings.SITE_URL).rstrip("/")
    link = base + reverse("invitation_accept", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "user": invitation.user,
        "link": link,
        "days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject="You are invited to Culture of Care",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.user.email],
    )
    Invitation.objects.filter(id=invitation.id).update(sent_at=timezone.now())
    return True


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the invited person's password and use up the invitation."""
    locked = Invitation.objects.select_for_update().get(id=invitation.id)
    if not locked.is_usable:
        raise ValueError("This invitation has already been used or has expired.")
    user = locked.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    # Any other outstanding links for this person stop working too.
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    email_address_mark_verified(user=user)
    audit_record(actor=user, action="invitation.accept", obj=locked, summary=user.email)
    return user


@transaction.atomic
def invitation_accept_with_sso(*, token: str, sociallogin: Any) -> User | None:
    """Use up an invitation by linking the organisation account the person signed in with.

    The person then signs in through their organisation; no password is set. Returns None when
    the invitation has been used or has expired meanwhile.
    """
    invitation = Invitation.find(token)
    if invitation is None:
        return None
    locked = Invitation.objects.select_for_update().get(id=invitation.id)
    if not locked.is_usable:
        return None
    user = locked.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    email_address_mark_verified(user=user)
    audit_record(actor=user, action="invitation.accept", obj=locked, summary=user.email)
    sso_record_link(user=user, sociallogin=sociallogin, how="invitation")
    return user


def sso_auto_link_target(*, email: str) -> User | None:
    """The active person an organisation account with this verified address may link to.

    Only where a programme admin has allowed the address's domain for an organisation that the
    person already belongs to (through a current role there or at one of its wards).
    """
    from django.db.models import Q

    from culture_of_care.accounts.models import SSODomain

    email = (email or "").strip().lower()
    domain = email.rpartition("@")[2]
    if not domain:
        return None
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return None
    allowed = set(
        SSODomain.objects.filter(domain__iexact=domain).values_list("organisation_id", flat=True)
    )
    if not allowed:
        return None
    belongs = user.role_assignments.current().filter(
        Q(organisation_id__in=allowed) | Q(ward__organisation_id__in=allowed)
    )
    return user if belongs.exists() else None


def sso_record_link(*, user: User, sociallogin: Any, how: str) -> None:
    """Audit that an organisation account now signs in as this person."""
    provider = getattr(sociallogin.account, "provider", "")
    audit_record(
        actor=user,
        action="sso.link",
        obj=user,
        summary=f"{user.email} linked an organisation account ({provider}, {how})",
    )


@transaction.atomic
def sso_unlink(*, user: User, account_id: int) -> bool:
    """Remove one of the person's linked organisation accounts; True when one was removed.

    Refused (False) when it is their only way to sign in: no password and no other link.
    """
    from allauth.socialaccount.models import SocialAccount

    accounts = SocialAccount.objects.filter(user=user)
    account = accounts.filter(id=account_id).first()
    if account is None:
        return False
    if not user.has_usable_password() and accounts.count() <= 1:
        return False
    account.delete()
    audit_record(
        actor=user, action="sso.unlink", obj=user, summary=f"{user.email} ({account.provider})"
    )
    return True


def totp_replace(*, user: User, secret: str) -> None:
    """Move the person's two-factor authentication to a new authenticator app in one step.

    The old app stops working as the new one starts, so a role that must use MFA is never left
    without it (deactivating is refused for those roles; see ``adapters.MFAAdapter``).
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    authenticator = Authenticator.objects.select_for_update().get(
        user=user, type=Authenticator.Type.TOTP
    )
    authenticator.data = {**authenticator.data, "secret": encrypt(secret)}
    authenticator.save(update_fields=["data"])
    audit_record(actor=user, action="mfa.totp.replace", obj=authenticator, summary=user.email)


def email_address_mark_verified(*, user: User) -> None:
    """The invitation reached this address, so it counts as verified (and is the only one).

    People are invited by address and cannot add others, so there is nothing left to confirm;
    an unverified address would otherwise block setting up two-factor authentication.
    """
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def invitation_resend(
    *, user: User, actor: Any, organisation_id: int | None = None, site_url: str | None = None
) -> Invitation:
    """Send a fresh invitation link: earlier unused links stop working, the new one goes out.

    Kept to this one function so it can be reconciled with the invitation outbox.
    """
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    return invitation_create(
        user=user, invited_by=actor, organisation_id=organisation_id, site_url=site_url
    )


@transaction.atomic
def invitation_revoke(*, user: User, actor: Any, organisation_id: int | None = None) -> int:
    """Stop every unused invitation link of this person working; returns how many were live."""
    live = Invitation.objects.usable().filter(user=user)
    count = live.update(expires_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            action="invitation.revoke",
            obj=user,
            organisation_id=organisation_id,
            summary=f"Invitation for {user.email} withdrawn",
        )
    return count
