"""Writes about people: inviting them, accepting invitations, granting roles."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.models import Invitation, RoleAssignment, User
from culture_of_care.audit.services import audit_record

logger = logging.getLogger(__name__)


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
    """Write a single-use invitation to the outbox; it is e-mailed after the transaction commits.

    The request only writes the row. Once it commits, a nudge asks a worker to send it now; if
    the broker is down or hung the nudge gives up quietly and the sweep
    (``send_pending_invitations``, on beat every few minutes) sends it instead. The link's token
    is made when the e-mail is sent, so nothing secret waits in the queue. ``site_url`` is the
    address the inviter is using (``site_url_of(request)``), kept on the row so the link works
    wherever the app is served; without a request, ``settings.SITE_URL``.
    """
    _unsendable_token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        user=user,
        token_hash=token_hash,
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
        organisation_id=organisation_id,
        expires_at=Invitation.default_expiry(),
        site_url=(site_url or "").rstrip("/")[:200],
    )
    audit_record(
        actor=invited_by,
        action="invitation.create",
        obj=invitation,
        organisation_id=organisation_id,
        summary=f"Invited {user.email}",
    )
    invitation_id = invitation.id
    transaction.on_commit(lambda: invitation_nudge(invitation_id), robust=True)
    return invitation


def invitation_nudge(invitation_id: int) -> bool:
    """Ask a worker to send this invitation now. Never raises: the sweep is the safety net."""
    from culture_of_care.accounts.tasks import send_invitation

    try:
        send_invitation.apply_async(args=[invitation_id], retry=False)
    except Exception:  # noqa: BLE001 - a broker or mail failure must never fail the request
        logger.warning("Invitation %s not queued now; the sweep will send it", invitation_id)
        return False
    return True


def site_url_of(request: Any) -> str:
    """The address this request reached the app on (its host checked against ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation e-mail once: claim the row, mint the link, send, mark it sent.

    Returns False when there is nothing to do (already sent, accepted, expired, or another sender
    holds the claim). The claim is one conditional UPDATE, so two deliveries of the same job at
    once send one e-mail. A failed send releases the claim and raises, for the caller to retry.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.INVITATION_CLAIM_SECONDS)
    token, token_hash = Invitation.new_token()
    claimed = (
        Invitation.objects.unsent()
        .filter(id=invitation_id)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now, token_hash=token_hash, send_attempts=F("send_attempts") + 1)
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("user", "invited_by").get(id=invitation_id)
    base = (invitation.site_url or settings.SITE_URL).rstrip("/")
    link = base + reverse("invitation_accept", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "user": invitation.user,
        "link": link,
        "days": max(1, (invitation.expires_at - now).days),
    }
    try:
        send_mail(
            subject="You are invited to Culture of Care",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.user.email],
        )
    except Exception as exc:
        Invitation.objects.filter(id=invitation_id, claimed_at=now).update(
            claimed_at=None, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        raise
    Invitation.objects.filter(id=invitation_id, claimed_at=now).update(
        sent_at=timezone.now(), last_error=""
    )
    return True


def invitations_pending(*, limit: int = 500) -> list[int]:
    """Ids of invitations the sweep should send: unsent, unclaimed (or claimed long ago), and not
    given up on after INVITATION_MAX_ATTEMPTS failures."""
    stale = timezone.now() - timedelta(seconds=settings.INVITATION_CLAIM_SECONDS)
    return list(
        Invitation.objects.unsent()
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(send_attempts__lt=settings.INVITATION_MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )


def invitations_manageable_by(user: Any) -> Any:
    """Invitations this person may resend: a programme admin's all, an organisation lead's those
    of the organisations they may manage (through the one scoping mechanism)."""
    from culture_of_care.access import is_programme_admin
    from organisations.models import Organisation

    invitations = Invitation.objects.select_related("user", "organisation")
    if is_programme_admin(user):
        return invitations
    managed = Organisation.objects.editable_by(user).values("id")
    return invitations.filter(organisation_id__in=managed)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Any) -> Invitation:
    """Send an unaccepted invitation again with a fresh link (the old link stops working).

    For organisation leads and programme admins (the caller checks who may); an expired
    invitation gets a new expiry. Goes through the outbox like a new one.
    """
    locked = Invitation.objects.select_for_update().select_related("user").get(id=invitation.id)
    if locked.accepted_at is not None:
        raise ValueError(f"{locked.user.email} has already accepted the invitation.")
    locked.sent_at = None
    locked.claimed_at = None
    locked.send_attempts = 0
    locked.last_error = ""
    locked.expires_at = Invitation.default_expiry()
    locked.token_hash = Invitation.new_token()[1]  # the old link stops working now
    locked.save(
        update_fields=[
            "sent_at",
            "claimed_at",
            "send_attempts",
            "last_error",
            "expires_at",
            "token_hash",
        ]
    )
    audit_record(
        actor=actor,
        action="invitation.resend",
        obj=locked,
        organisation_id=locked.organisation_id,
        summary=f"Invitation sent again to {locked.user.email}",
    )
    transaction.on_commit(lambda: invitation_nudge(locked.id), robust=True)
    return locked


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
def invitation_resend_to(
    *, user: User, actor: Any, organisation_id: int | None = None, site_url: str | None = None
) -> Invitation:
    """Send this person their invitation again (people management): their latest unaccepted
    invitation goes back through the outbox with a fresh link (``invitation_resend``), and any
    older links stop working; with none, a new invitation is written."""
    pending = Invitation.objects.filter(user=user, accepted_at__isnull=True).order_by("-created_at")
    latest = pending.first()
    if latest is None:
        return invitation_create(
            user=user, invited_by=actor, organisation_id=organisation_id, site_url=site_url
        )
    pending.exclude(pk=latest.pk).update(expires_at=timezone.now())
    if site_url:
        Invitation.objects.filter(pk=latest.pk).update(site_url=site_url.rstrip("/")[:200])
    return invitation_resend(invitation=latest, actor=actor)


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
