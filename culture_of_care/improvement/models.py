"""The QI method shared by wards, organisations and risk (DOMAIN.md: the Model for Improvement).

Change theories (driver diagrams) are national data edited by programme admins; everything a
ward or organisation does with them (projects, change ideas, PDSA cycles, progress scores,
data) is tenant-owned and carries ``organisation_id`` (and ``ward_id`` where it belongs to a ward).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from culture_of_care.access import Domain, DomainBy, WardOwnedModel, read_reach, tenant_keys
from culture_of_care.guards import SafeCharField, SafeTextField
from culture_of_care.reference import rows


class Commitment(models.Model):
    """One of the 12 Culture of Care core commitments (NHS England, 2024)."""

    number = models.PositiveSmallIntegerField(unique=True)
    short_label = models.CharField(max_length=100)
    commitment = models.CharField(max_length=200)
    meaning = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_label}"


class TheoryLevel(models.TextChoices):
    WARD = "ward", "Ward"
    ORGANISATION = "organisation", "Organisation (middle tier)"
    RISK = "risk", "Risk"


class TheoryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class ChangeTheory(models.Model):
    """A national driver diagram at one level, versioned: publishing keeps older versions."""

    level = models.CharField(max_length=20, choices=TheoryLevel.choices)
    version = models.PositiveIntegerField(default=1)
    title = SafeCharField(max_length=200)
    description = SafeTextField(blank=True)
    status = models.CharField(
        max_length=20, choices=TheoryStatus.choices, default=TheoryStatus.DRAFT
    )
    is_starting_point = models.BooleanField(
        default=False, help_text="A starter theory, labelled as an editable starting point."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["level", "version"], name="unique_theory_version")
        ]
        verbose_name_plural = "change theories"

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class NodeKind(models.TextChoices):
    AIM = "aim", "Aim"
    PRIMARY = "primary", "Primary driver"
    SECONDARY = "secondary", "Secondary driver"
    CHANGE_IDEA = "change_idea", "Change idea"


NODE_ORDER = [NodeKind.AIM, NodeKind.PRIMARY, NodeKind.SECONDARY, NodeKind.CHANGE_IDEA]


class DriverNode(models.Model):
    """A box in a driver diagram; ``children`` links it to the next level (many-to-many)."""

    theory = models.ForeignKey(ChangeTheory, on_delete=models.CASCADE, related_name="nodes")
    kind = models.CharField(max_length=20, choices=NodeKind.choices)
    code = models.SlugField(max_length=60, blank=True)
    text = SafeCharField(max_length=300)
    description = SafeTextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="nodes")
    children = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="parents")

    class Meta:
        ordering = ["theory", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ProjectKind(models.TextChoices):
    WARD = "ward", "Ward improvement"
    ORGANISATION = "organisation", "Middle-tier improvement"
    RISK = "risk", "Personalised approach to safety"


class Project(WardOwnedModel):
    """A ward's (or an organisation's middle-tier or risk) improvement project."""

    organisation, ward = tenant_keys("projects")
    kind = models.CharField(max_length=20, choices=ProjectKind.choices, default=ProjectKind.WARD)
    title = SafeCharField(max_length=200)
    aim_what = SafeTextField("What we will improve", blank=True)
    aim_how_much = SafeCharField("By how much", max_length=200, blank=True)
    aim_by_when = models.DateField("By when", null=True, blank=True)
    change_theory = models.ForeignKey(
        ChangeTheory, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="projects")
    measures = models.ManyToManyField("Measure", blank=True, related_name="projects")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Risk projects are changed by those who may change risk records (NCISH advisers).
    access_domain = DomainBy("kind", {ProjectKind.RISK: Domain.RISK}, default=Domain.QI)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "ward"])]
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "kind"],
                condition=Q(ward__isnull=False),
                name="one_project_per_ward",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(ward__isnull=True),
                name="one_org_project_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def aim_is_set(self) -> bool:
        return bool(self.aim_what and self.aim_how_much and self.aim_by_when)


class ChangeIdeaStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    TESTING = "testing", "Testing"
    ADOPTED = "adopted", "Adopted"
    ABANDONED = "abandoned", "Abandoned"


class Origin(models.TextChoices):
    NATIONAL = "national", "From the national change theory"
    LOCAL = "local", "Written locally"


class ChangeIdea(WardOwnedModel):
    organisation, ward = tenant_keys("change_ideas")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_ideas")
    title = SafeCharField(max_length=300)
    description = SafeTextField(blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.LOCAL)
    national_node = models.ForeignKey(
        DriverNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adopted_as",
        help_text="The national change idea this was picked from.",
    )
    drivers = models.ManyToManyField(DriverNode, blank=True, related_name="change_ideas")
    status = models.CharField(
        max_length=20, choices=ChangeIdeaStatus.choices, default=ChangeIdeaStatus.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_domain = DomainBy("project__kind", {ProjectKind.RISK: Domain.RISK}, default=Domain.QI)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "status"])]
        ordering = ["project", "title"]

    def __str__(self) -> str:
        return self.title


class Purpose(models.TextChoices):
    COLLECT = "collect", "Collect information"
    DEVELOP = "develop", "Develop a change"
    TEST = "test", "Test a change"
    IMPLEMENT = "implement", "Implement a change"


class CycleStatus(models.TextChoices):
    PLAN = "plan", "Planning"
    DO = "do", "Doing"
    STUDY = "study", "Studying"
    ACT = "act", "Deciding what next"
    COMPLETE = "complete", "Complete"


class Decision(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt"
    ABANDON = "abandon", "Abandon"
    CONTINUE = "continue", "Continue testing"


class Involvement(models.TextChoices):
    NONE = "none", "Not involved in this cycle"
    INFORMED = "informed", "Informed"
    CONSULTED = "consulted", "Consulted"
    CO_DESIGNED = "co_designed", "Co-designed"
    LED = "led", "Led by people with lived experience"


class PDSACycle(WardOwnedModel):
    """One Plan-Do-Study-Act cycle in a change idea's ramp (DOMAIN.md)."""

    organisation, ward = tenant_keys("pdsa_cycles")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField(default=1, help_text="Cycle number in the ramp.")
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycle"
    )
    title = SafeCharField(max_length=300)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.TEST)
    status = models.CharField(max_length=20, choices=CycleStatus.choices, default=CycleStatus.PLAN)
    # Plan
    objective = SafeTextField(blank=True)
    questions = SafeTextField(blank=True)
    predictions = SafeTextField(blank=True)
    plan_who = SafeTextField("Who", blank=True)
    plan_what = SafeTextField("What", blank=True)
    plan_when = SafeTextField("When", blank=True)
    plan_where = SafeTextField("Where", blank=True)
    data_plan = SafeTextField("Data to collect", blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    # Do
    started_on = models.DateField(null=True, blank=True)
    carried_out_as_planned = models.BooleanField(null=True, blank=True)
    what_happened = SafeTextField(blank=True)
    observations = SafeTextField("Observations and surprises", blank=True)
    # Study
    results = SafeTextField("Results against predictions", blank=True)
    learning = SafeTextField("What we learned", blank=True)
    # Act
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    next_step = SafeTextField(blank=True)
    abandon_reason = SafeTextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    # Co-production
    # Asked on every plan, never assumed: empty until the team answers (issue 15).
    involvement = models.CharField(
        "Lived-experience involvement",
        max_length=20,
        choices=Involvement.choices,
        blank=True,
        default="",
    )
    involvement_notes = SafeTextField("Who with lived experience took part", blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="pdsa_cycles"
    )
    # The measures the cycle aims to move: its chart markers go on those measures' charts only
    # (a cycle naming none is marked on every chart of its ward).
    measures = models.ManyToManyField(
        "Measure", blank=True, related_name="pdsa_cycles", verbose_name="Measures it aims to move"
    )
    # Learning library
    shared = models.BooleanField(default=False)
    share_ward_name = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_domain = DomainBy(
        "change_idea__project__kind", {ProjectKind.RISK: Domain.RISK}, default=Domain.QI
    )

    class Meta:
        ordering = ["change_idea", "number"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Cycle {self.number}: {self.title}"

    @property
    def planned_dates(self) -> str:
        """The planned dates as a person would say them: never "None to None"."""
        start, end = self.planned_start, self.planned_end
        if start and end:
            return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
        if start:
            return f"From {start:%-d %B %Y}, end not planned yet"
        if end:
            return f"Until {end:%-d %B %Y}, start not planned yet"
        return "No dates planned yet"


SCORE_CHOICES = [
    (Decimal(r["score"]), f"{r['score']} {r['label']}") for r in rows("progress_scale")
]


class ScoredBy(models.TextChoices):
    COACH = "coach", "QI coach"
    TEAM = "team", "Team"


class ProgressScore(WardOwnedModel):
    """The monthly IHI progress score, by the coach and by the team separately."""

    organisation, ward = tenant_keys("progress_scores")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_scores")
    month = models.DateField(help_text="The first day of the month scored.")
    scored_by = models.CharField(max_length=10, choices=ScoredBy.choices)
    score = models.DecimalField(max_digits=2, decimal_places=1, choices=SCORE_CHOICES)
    rationale = SafeTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "month"])]
        ordering = ["project", "-month", "scored_by"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month", "scored_by"], name="one_score_per_month_per_scorer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.score} ({self.month:%B %Y})"


class MeasureType(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class MeasureKind(models.TextChoices):
    COUNT = "count", "Count"
    RATE = "rate", "Rate"
    PERCENTAGE = "percentage", "Percentage"
    MEAN = "mean", "Mean"


class Improvement(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    WEEKLY = "weekly", "Weekly"


class ChartType(models.TextChoices):
    XMR = "xmr", "XmR (Making Data Count)"
    P = "p", "p-chart (percentages)"
    U = "u", "u-chart (rates)"
    RUN = "run", "Run chart"


class MeasureQuerySet(models.QuerySet):
    def national(self) -> MeasureQuerySet:
        return self.filter(organisation__isnull=True)

    def visible_to(self, user: Any) -> MeasureQuerySet:
        """National measures to anyone with a role; local ones within the user's reach."""
        reach = read_reach(user)
        if reach.everything:
            return self.all()
        if reach.is_empty:
            return self.none()
        return self.filter(
            Q(organisation__isnull=True)
            | Q(organisation_id__in=reach.organisation_ids)
            | Q(project__ward_id__in=reach.ward_ids)
        )


class Measure(models.Model):
    """A measure: national (no organisation) or local to one project."""

    code = models.SlugField(max_length=60, blank=True)
    name = SafeCharField(max_length=200)
    type = models.CharField(max_length=20, choices=MeasureType.choices)
    definition = SafeTextField("Operational definition", blank=True)
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    numerator_label = SafeCharField(max_length=200)
    denominator_label = SafeCharField(max_length=200, blank=True)
    multiplier = models.DecimalField(
        max_digits=10, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    improvement = models.CharField(max_length=20, choices=Improvement.choices)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    target = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    chart_type = models.CharField(max_length=10, choices=ChartType.choices, default=ChartType.XMR)
    disaggregated = models.BooleanField("Entered by ethnicity group", default=False)
    uses_bed_days = models.BooleanField(
        default=False, help_text="The denominator is occupied bed days (checked against beds)."
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="local_measures",
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="local_measures"
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "is_active"])]
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True) & ~Q(code=""),
                name="unique_national_measure_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.organisation_id is None

    @property
    def has_denominator(self) -> bool:
        return self.kind in (MeasureKind.RATE, MeasureKind.PERCENTAGE, MeasureKind.MEAN)


EQUITY_GROUPS = [(r["code"], r["name"]) for r in rows("ethnicity_groups")]
ALL_GROUPS = ""


class DataPoint(WardOwnedModel):
    """One period's aggregated numerator and denominator for a measure (never patient data)."""

    organisation, ward = tenant_keys("data_points")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    period_start = models.DateField()
    equity_group = models.CharField(
        max_length=20,
        choices=[(ALL_GROUPS, "All"), *EQUITY_GROUPS],
        blank=True,
        default=ALL_GROUPS,
    )
    numerator = models.DecimalField(max_digits=14, decimal_places=3)
    denominator = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    note = SafeTextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "ward", "period_start", "equity_group"],
                name="unique_data_point",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["ward", "measure", "period_start"]),
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "period_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_start:%b %Y}"

    @property
    def value(self) -> float | None:
        """The plotted value: the count, or the rate/percentage/mean from the two parts."""
        if self.measure.kind == MeasureKind.COUNT:
            return float(self.numerator)
        if not self.denominator:
            return None
        ratio = float(self.numerator) / float(self.denominator)
        if self.measure.kind == MeasureKind.PERCENTAGE:
            return ratio * 100
        return ratio * float(self.measure.multiplier)


# --- Charts (SPC) -------------------------------------------------------------------------


class ChartSettings(WardOwnedModel):
    """How one measure's chart is drawn for one ward (or organisation)."""

    organisation, ward = tenant_keys("chart_settings")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="chart_settings")
    fix_after = models.PositiveSmallIntegerField(
        "Freeze the limits after this many points",
        null=True,
        blank=True,
        validators=[MinValueValidator(12, "Limits can only be frozen after at least 12 points.")],
    )
    screen_outliers = models.BooleanField(
        default=True, help_text="Leave unusually large moving ranges out of the limits."
    )
    trajectory = models.JSONField(
        default=list, blank=True, help_text="Planned values: a list of {period, value}."
    )
    target = models.DecimalField(
        "The ward's own target",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Drawn as the target line and used for the assurance icon instead of the "
        "programme target.",
    )
    target_note = SafeCharField(
        "Where the target comes from", max_length=300, blank=True, default=""
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "ward"])]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "ward"],
                name="unique_chart_settings",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"Chart settings for {self.measure}"


class Rebase(WardOwnedModel):
    """A new calculation period starting at ``period_start``, recorded by a person with a reason."""

    organisation, ward = tenant_keys("rebases")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rebases")
    period_start = models.DateField()
    reason = SafeTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "ward"])]
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "ward", "period_start"],
                name="unique_rebase",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"Rebase of {self.measure} from {self.period_start:%b %Y}"


class CauseKind(models.TextChoices):
    NOTE = "note", "Note"
    KNOWN_CAUSE = "known_cause", "Known cause"
    PDSA = "pdsa", "Linked to a PDSA cycle"
    NO_KNOWN_CAUSE = "no_known_cause", "No known cause"


class PointNote(WardOwnedModel):
    """A note on one data point of a chart; also how a signal to review is answered."""

    organisation, ward = tenant_keys("point_notes")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="point_notes")
    period_start = models.DateField()
    kind = models.CharField(max_length=20, choices=CauseKind.choices, default=CauseKind.NOTE)
    text = SafeTextField(blank=True)
    pdsa_cycle = models.ForeignKey(
        PDSACycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="point_notes"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "ward"])]
        ordering = ["measure", "period_start", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.measure} {self.period_start:%b %Y}"


class Signal(WardOwnedModel):
    """A special-cause point that the ward team and coach should review until annotated."""

    organisation, ward = tenant_keys("signals")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="signals")
    period_start = models.DateField()
    special_cause = models.CharField(max_length=20)  # improvement / concern / neutral
    rule = models.CharField(max_length=60)
    detected_at = models.DateTimeField(auto_now_add=True)
    review = models.ForeignKey(
        PointNote, null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "period_start"])]
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "ward", "period_start"],
                name="unique_signal",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.special_cause} signal on {self.measure} {self.period_start:%b %Y}"
