"""Coaching: coaches and their assignments, coach pairs, executives, sessions and actions.

Executive and reverse-mentoring sessions are confidential: their content (shared summary,
confidential notes, topics, PDSA cycles, who was coached) is readable only by the organisation's
current coach pair and programme admins. The executive coached reads their own sessions'
shared summary and the actions agreed with them, never the coaches' confidential notes.
Everyone else who sees the organisation sees that a session took place (date, kind,
duration), never what was said. The rule lives in one place: ``confidential_organisation_ids``,
``coachee_q`` and ``CoachingSessionQuerySet.readable_by`` below, used by pages, the API, the
CSV export and search alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.query import ModelIterable
from django.utils import timezone

from culture_of_care.access import (
    Domain,
    DomainBy,
    TenantModel,
    TenantQuerySet,
    WardOwnedModel,
    edit_reach,
    is_programme_admin,
    tenant_keys,
)
from culture_of_care.guards import SafeCharField, SafeTextField


class CoachKind(models.TextChoices):
    QI_COACH = "qi_coach", "QI coach"
    LIVED_EXPERIENCE_LEADERSHIP = (
        "lived_experience_leadership",
        "Leadership coach bringing lived experience",
    )
    BOARD_LEADERSHIP = "board_leadership", "Board-level leadership coach"
    NCISH_RISK_ADVISER = "ncish_risk_adviser", "NCISH risk adviser"


class CoachProfile(models.Model):
    """What kind of coach a person is, and who employs them (e.g. a partner charity)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_profiles"
    )
    kind = models.CharField(max_length=40, choices=CoachKind.choices)
    employer = SafeCharField(
        max_length=200, blank=True, help_text="For example Neurodiverse Connection."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_coach_profile_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"


class CurrentQuerySet(TenantQuerySet):
    def current(self, on: date | None = None) -> CurrentQuerySet:
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class WardCoachAssignment(TenantModel):
    """A QI coach assigned to a ward for a period; a change of coach ends one and starts another.

    ``Ward.qi_coach`` names the current coach (kept in step by ``services.ward_coach_assign``).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.CASCADE, related_name="coach_assignments"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ward_coach_assignments"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    tenant_ward_field = "ward_id"
    access_domain = "coaching_setup"

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "ward"])]
        ordering = ["ward", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.coach} coaches {self.ward} from {self.starts_on}"


class CoachPair(TenantModel):
    """An organisation's two leadership coaches: one bringing lived experience, one board-level."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="coach_pairs"
    )
    lived_experience_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    board_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    access_domain = "coaching_setup"

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "starts_on"])]
        ordering = ["organisation", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.lived_experience_coach} and {self.board_coach} ({self.organisation})"


class Executive(TenantModel):
    """An executive being coached (the register; optionally linked to their login)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="coached_executives"
    )
    name = SafeCharField(max_length=200)
    job_title = SafeCharField(max_length=200)
    started_on = models.DateField("Coaching started", default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="executive_records",
    )
    coach_pair = models.ForeignKey(
        CoachPair, null=True, blank=True, on_delete=models.SET_NULL, related_name="executives"
    )

    access_domain = "executive_coaching"

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "name"])]
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}"


class SessionKind(models.TextChoices):
    WARD_QI = "ward_qi", "Ward QI coaching"
    ORGANISATION = "organisation", "Organisation (middle tier) coaching"
    EXECUTIVE = "executive", "Executive coaching"
    RISK_SUPPORT = "risk_support", "Risk support"
    REVERSE_MENTORING = "reverse_mentoring", "Reverse mentoring"


CONFIDENTIAL_KINDS = frozenset({SessionKind.EXECUTIVE, SessionKind.REVERSE_MENTORING})
# Kinds that happen with one ward; the others are with the organisation.
WARD_KINDS = frozenset({SessionKind.WARD_QI})


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LOGGED = "logged", "Logged"


def confidential_organisation_ids(user: Any) -> frozenset[int] | None:
    """The organisations whose confidential coaching content ``user`` may read.

    ``None`` means every organisation (programme admins). Otherwise: the organisations where
    the user is in the current coach pair, or holds a current leadership-coach role.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_coaching_confidential_orgs", False)
    if cached is not False:
        return cached
    result: frozenset[int] | None
    if is_programme_admin(user):
        result = None
    else:
        # The executive-coaching domain: leadership coaches of the organisation.
        orgs = set(edit_reach(user, Domain.EXECUTIVE_COACHING).organisation_ids)
        orgs.update(
            CoachPair.objects.current()
            .filter(Q(lived_experience_coach=user) | Q(board_coach=user))
            .values_list("organisation_id", flat=True)
        )
        result = frozenset(orgs)
    user._coaching_confidential_orgs = result
    return result


def content_visible_q(user: Any, prefix: str = "") -> Q:
    """A filter matching sessions whose content ``user`` may read (used inside querysets)."""
    orgs = confidential_organisation_ids(user)
    if orgs is None:
        return Q()
    return ~Q(**{f"{prefix}kind__in": CONFIDENTIAL_KINDS}) | Q(
        **{f"{prefix}organisation_id__in": orgs}
    )


def coachee_q(user: Any, prefix: str = "") -> Q:
    """A filter matching sessions in which ``user`` was one of the executives coached."""
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    through = CoachingSession.executives.through.objects.filter(executive__user_id=pk)
    return Q(**{f"{prefix}pk__in": through.values("coachingsession_id")})


class _RedactingIterable(ModelIterable):
    """Blanks the content of sessions the reader may not see, as rows come from the database."""

    def __iter__(self):
        for obj in super().__iter__():
            if not getattr(obj, "content_visible", True):
                obj.redact(keep_summary=getattr(obj, "summary_visible", False))
            yield obj


class CoachingSessionQuerySet(TenantQuerySet):
    def logged(self) -> CoachingSessionQuerySet:
        return self.filter(status=SessionStatus.LOGGED)

    def readable_by(self, user: Any) -> CoachingSessionQuerySet:
        """Sessions ``user`` may see, with the content of confidential ones blanked.

        Each row carries ``content_visible`` (everything) and ``summary_visible`` (the shared
        summary and agreed actions: also the executive coached); drafts are seen only by
        whoever started them.
        """
        qs = self.visible_to(user).filter(
            Q(status=SessionStatus.LOGGED) | Q(created_by_id=getattr(user, "pk", None))
        )
        orgs = confidential_organisation_ids(user)
        if orgs is None:
            qs = qs.annotate(
                content_visible=Value(True, output_field=BooleanField()),
                summary_visible=Value(True, output_field=BooleanField()),
            )
        else:
            full = content_visible_q(user)
            qs = qs.annotate(
                content_visible=Case(
                    When(full, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                summary_visible=Case(
                    When(full | coachee_q(user), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        qs._iterable_class = _RedactingIterable
        return qs

    def matching(self, user: Any, text: str) -> CoachingSessionQuerySet:
        """Search the shared summary, only among sessions whose summary the user may read."""
        return self.filter(
            (content_visible_q(user) | coachee_q(user)) & Q(shared_summary__icontains=text)
        )


class CoachingSession(WardOwnedModel):
    """One coaching session (a draft until it is logged)."""

    organisation, ward = tenant_keys("coaching_sessions")
    kind = models.CharField(max_length=30, choices=SessionKind.choices)
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coaching_sessions"
    )
    executives = models.ManyToManyField(Executive, blank=True, related_name="sessions")
    date = models.DateField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    attendee_count = models.PositiveSmallIntegerField(default=0)
    lived_experience_attendee_count = models.PositiveSmallIntegerField(default=0)
    topics = models.ManyToManyField(
        "improvement.DriverNode", blank=True, related_name="coaching_sessions"
    )
    commitments = models.ManyToManyField(
        "improvement.Commitment", blank=True, related_name="coaching_sessions"
    )
    pdsa_cycles = models.ManyToManyField(
        "improvement.PDSACycle", blank=True, related_name="coaching_sessions"
    )
    # Barriers the organisation's board is stuck on, brought to an executive session.
    barriers = models.ManyToManyField(
        "organisations.Barrier", blank=True, related_name="coaching_sessions"
    )
    shared_summary = SafeTextField(blank=True)
    confidential_notes = SafeTextField(blank=True)
    next_session_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    # The half-filled form of a draft (actions included), restored when the coach returns.
    draft_data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    logged_at = models.DateTimeField(null=True, blank=True)

    objects = CoachingSessionQuerySet.as_manager()

    # Executive and reverse-mentoring sessions are changed only by leadership coaches.
    access_domain = DomainBy(
        "kind",
        dict.fromkeys(CONFIDENTIAL_KINDS, Domain.EXECUTIVE_COACHING),
        default=Domain.COACHING,
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "kind", "date"]),
            models.Index(fields=["ward", "status", "date"]),
            models.Index(fields=["status", "next_session_on"]),
        ]

    def __str__(self) -> str:
        when = f"{self.date:%d %b %Y}" if self.date else "undated"
        return f"{self.get_kind_display()}, {when}"

    @property
    def is_confidential(self) -> bool:
        return self.kind in CONFIDENTIAL_KINDS

    @property
    def is_draft(self) -> bool:
        return self.status == SessionStatus.DRAFT

    @property
    def where(self) -> str:
        return str(self.ward) if self.ward_id else str(self.organisation)

    def redact(self, *, keep_summary: bool = False) -> None:
        """Forget the content this reader may not see (the row is never saved afterwards).

        ``keep_summary`` is for the executive coached: they keep the shared summary, never the
        coaches' confidential notes.
        """
        if not keep_summary:
            self.shared_summary = ""
        self.confidential_notes = ""
        self.draft_data = {}
        self.content_visible = False
        self.summary_visible = keep_summary
        self._redacted = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A redacted copy has lost its content: writing it back would erase the real notes.
        if getattr(self, "_redacted", False):
            raise RuntimeError("A redacted coaching session cannot be saved.")
        super().save(*args, **kwargs)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionQuerySet(TenantQuerySet):
    def readable_by(self, user: Any) -> ActionQuerySet:
        """Actions ``user`` may see: not those of drafts, nor of confidential sessions whose
        content is hidden from them (unless the action is theirs, or was agreed in a session
        in which they were the executive coached)."""
        return (
            self.visible_to(user)
            .exclude(session__status=SessionStatus.DRAFT)
            .filter(
                Q(session__isnull=True)
                | content_visible_q(user, "session__")
                | coachee_q(user, "session__")
                | Q(owner_id=getattr(user, "pk", None))
            )
        )

    def open(self) -> ActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue_first(self) -> ActionQuerySet:
        today = timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                When(status=ActionStatus.OPEN, due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).order_by("-is_overdue", "status", "due_on", "id")


class Action(WardOwnedModel):
    """Something agreed in coaching: an owner (a person or a named role) and a due date."""

    organisation, ward = tenant_keys("coaching_actions")
    session = models.ForeignKey(
        CoachingSession, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    description = SafeTextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_actions",
    )
    owner_role = SafeCharField(
        max_length=200, blank=True, help_text="A named role, for example Ward manager."
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    # Actions agreed in a confidential session belong to the executives and their coach.
    access_domain = DomainBy(
        "session__kind",
        dict.fromkeys(CONFIDENTIAL_KINDS, Domain.EXECUTIVE_ACTIONS),
        default=Domain.COACHING,
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_role or "No owner"

    @property
    def overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


class CoachingRhythm(models.Model):
    """The planned rhythm of ward coaching (one row, edited by programme admins)."""

    ward_sessions_per_month = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="2 means fortnightly.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "coaching rhythm"

    def __str__(self) -> str:
        return f"{self.ward_sessions_per_month} ward sessions a month"

    @classmethod
    def current(cls) -> CoachingRhythm:
        rhythm = cls.objects.order_by("id").first()
        return rhythm or cls(ward_sessions_per_month=2)
