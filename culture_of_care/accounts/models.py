"""People, their role assignments and their invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from culture_of_care.accounts.roles import NEEDS_ORGANISATION, NEEDS_WARD, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    lived_experience = models.BooleanField(
        default=False,
        help_text="Brings lived experience (recorded with their consent; counts co-production, "
        "never restricts access).",
    )
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(
        default=False, help_text="A demo login; refused whenever DEBUG is off."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    wants_daily_digest = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_set(self) -> set[str]:
        """The roles this person holds now (cached on the instance for a request)."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = set(self.role_assignments.current().values_list("role", flat=True))
            self._role_set = cached
        return cached


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self) -> RoleAssignmentQuerySet:
        today = timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today)).filter(
            starts_on__lte=today
        )


class RoleAssignment(models.Model):
    """One role held by one person, scoped to an organisation or a ward where the role needs it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    ward = models.ForeignKey(
        "wards.Ward",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "role"])]
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "ward"],
                name="unique_role_assignment",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = self.ward or self.organisation or "programme"
        return f"{self.user}: {self.get_role_display()} ({scope})"

    def clean(self) -> None:
        if self.role in NEEDS_WARD and not self.ward_id:
            raise ValidationError({"ward": "A ward team member must be assigned to a ward."})
        if self.role in NEEDS_ORGANISATION and not (self.organisation_id or self.ward_id):
            raise ValidationError(
                {"organisation": f"A {self.get_role_display().lower()} needs an organisation."}
            )
        if (
            self.ward_id
            and self.organisation_id
            and self.ward.organisation_id != self.organisation_id
        ):
            raise ValidationError({"ward": "That ward belongs to another organisation."})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def unsent(self) -> InvitationQuerySet:
        """Usable invitations whose e-mail has not gone yet: the outbox."""
        return self.usable().filter(sent_at__isnull=True)


class Invitation(models.Model):
    """A single-use link that lets an invited person set their password; it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outbox: a sender claims the row before sending (claimed_at), so two at once send once.
    claimed_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    # The address the inviter was using, so the link works wherever the app is served.
    site_url = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "created_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user.email}"

    @classmethod
    def new_token(cls) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        return cls.objects.select_related("user").filter(token_hash=_hash_token(token)).first()

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class SentEmail(models.Model):
    """A log of e-mails sent by jobs, with a unique key so a retried job sends nothing twice."""

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class SSODomain(models.Model):
    """An e-mail domain whose verified addresses a provider may link automatically.

    A programme admin allows it per organisation (for example ``riverside.nhs.uk``): a person
    who already belongs to that organisation and signs in through the organisation's provider
    with a verified address at that domain gets their account linked without a password first.
    Nobody is ever created this way.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="sso_domains"
    )
    domain = models.CharField(
        max_length=253,
        help_text="The part after the @, for example riverside.nhs.uk (no wildcards).",
    )
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "domain"]
        verbose_name = "single sign-on e-mail domain"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "domain"], name="unique_sso_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.organisation})"

    def clean(self) -> None:
        domain = (self.domain or "").strip().lower().lstrip("@")
        if not domain or "@" in domain or "*" in domain or "." not in domain:
            raise ValidationError({"domain": "Enter a domain like riverside.nhs.uk."})
        self.domain = domain


class NotificationPreference(models.Model):
    """How often one person wants one kind of reminder by e-mail (no row: their role default).

    Kinds are registered by the apps in ``culture_of_care.notifications.kinds``; the key is
    checked by the form, not the database, so a kind added later needs no migration here.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Once a week, on Monday"
        OFF = "off", "Off"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=50)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"
