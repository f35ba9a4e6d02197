"""Reads reused by the risk pages, API, panels and digest.

Callers pass objects already authorised through the access layer (or a user, whose reach the
selector applies itself): nothing here widens what a person may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from culture_of_care import suppression
from culture_of_care.access import (
    Domain,
    can_edit,
    has_role,
    may_change_in,
    read_reach,
    require_whole_organisation,
)
from culture_of_care.accounts.models import RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.models import (
    ChangeTheory,
    DriverNode,
    NodeKind,
    Project,
    ProjectKind,
    TheoryLevel,
    TheoryStatus,
)
from culture_of_care.notifications.kinds import DueItem
from culture_of_care.periods import (
    next_quarter,
    previous_quarter,
    quarter_end,
    quarter_label,
    quarter_short_label,
    quarter_start,
)
from culture_of_care.reference import rows
from organisations.models import Organisation
from risk.models import (
    ACTIVE_COHORTS,
    AUDIT_MEASURES,
    CareRecordAudit,
    Cohort,
    MaturityLevel,
    MilestoneDefinition,
    MilestoneStatus,
    OrganisationMilestone,
    RiskParticipation,
    SelfAssessment,
    SelfAssessmentRating,
    maturity_label,
)

# --- The risk change theory ----------------------------------------------------------------


def domain_codes() -> list[str]:
    return [row["code"] for row in rows("risk_domains")]


def risk_theory() -> ChangeTheory | None:
    """The newest published risk-level change theory."""
    return (
        ChangeTheory.objects.filter(level=TheoryLevel.RISK, status=TheoryStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def risk_domains(theory: ChangeTheory | None = None) -> list[DriverNode]:
    """The domains rated in a self-assessment: the published theory's primary drivers whose
    code is a risk domain code (risk_domains.csv), in the diagram's order."""
    theory = theory or risk_theory()
    if theory is None:
        return []
    codes = domain_codes()
    return list(
        DriverNode.objects.filter(theory=theory, kind=NodeKind.PRIMARY, code__in=codes).order_by(
            "order", "id"
        )
    )


# --- Who sees what -------------------------------------------------------------------------


def organisation_for_risk(user: Any, ods_code: str) -> Organisation:
    """The organisation whose risk pages ``user`` may open, or 404.

    Risk work is organisation-level: programme-wide roles, a national NCISH lead, and people
    holding a role over the whole organisation see it; a ward team member (who reaches only a
    ward) or anyone from elsewhere gets a 404.
    """
    organisation = Organisation.objects.visible_to(user).filter(ods_code=ods_code.upper()).first()
    require_whole_organisation(user, organisation)
    return organisation


def sees_unsuppressed(user: Any, organisation: Organisation) -> bool:
    """Whether audit counts for ``organisation`` may be shown to ``user`` as entered.

    People inside the organisation (a role over it) and those who may edit its risk records see
    the real counts; anyone else (a programme lead, say) sees them under the small-number rules.
    """
    if organisation.id in read_reach(user).organisation_ids:
        return True
    return may_change_in(organisation, user, Domain.RISK)


def has_cohort_view(user: Any) -> bool:
    """Programme-wide roles and NCISH advisers see the cohort dashboard."""
    return read_reach(user).everything or has_role(user, Role.RISK_LEAD)


# --- One organisation ----------------------------------------------------------------------


def participation_for(organisation: Organisation) -> RiskParticipation | None:
    return (
        RiskParticipation.objects.select_related("adviser")
        .filter(organisation=organisation)
        .first()
    )


def risk_team_ids(organisation: Organisation) -> list[int]:
    """The people who lead an organisation's risk work: its organisation leads and the NCISH
    advisers assigned to it."""
    from culture_of_care.accounts.models import RoleAssignment

    return list(
        RoleAssignment.objects.filter(
            organisation=organisation, role__in=[Role.ORGANISATION_LEAD, Role.RISK_LEAD]
        )
        .current()
        .values_list("user_id", flat=True)
        .distinct()
    )


def risk_project(organisation: Organisation) -> Project | None:
    return (
        Project.objects.filter(organisation=organisation, ward__isnull=True, kind=ProjectKind.RISK)
        .prefetch_related("change_ideas__cycles")
        .first()
    )


@dataclass
class DomainRow:
    domain: DriverNode
    current: SelfAssessmentRating | None = None
    previous: SelfAssessmentRating | None = None
    history: list[SelfAssessmentRating | None] = field(default_factory=list)


def assessments_for(organisation: Organisation) -> list[SelfAssessment]:
    return list(
        SelfAssessment.objects.filter(organisation=organisation)
        .select_related("assessed_by")
        .prefetch_related("ratings__domain")
        .order_by("-quarter")
    )


def ratings_by_code(assessment: SelfAssessment | None) -> dict[str, SelfAssessmentRating]:
    if assessment is None:
        return {}
    return {rating.domain.code: rating for rating in assessment.ratings.all()}


def assessment_table(
    organisation: Organisation, domains: list[DriverNode], *, quarters: int = 4
) -> dict[str, Any]:
    """The organisation's last few self-assessments as a domain x quarter table."""
    assessments = assessments_for(organisation)[:quarters]
    by_quarter = [ratings_by_code(a) for a in assessments]
    table = [
        DomainRow(domain=node, history=[ratings.get(node.code) for ratings in by_quarter])
        for node in domains
    ]
    return {"assessments": assessments, "rows": table}


def quarter_context(
    organisation: Organisation, quarter: date
) -> tuple[SelfAssessment | None, SelfAssessment | None]:
    """This quarter's assessment (if any) and the one before it."""
    found = {
        a.quarter: a
        for a in SelfAssessment.objects.filter(
            organisation=organisation, quarter__in=[quarter, previous_quarter(quarter)]
        ).prefetch_related("ratings__domain")
    }
    return found.get(quarter), found.get(previous_quarter(quarter))


def milestone_checklist(organisation: Organisation) -> list[dict[str, Any]]:
    """Every active milestone with where this organisation stands on it."""
    rows_by_milestone = {
        row.milestone_id: row
        for row in OrganisationMilestone.objects.filter(organisation=organisation).select_related(
            "updated_by"
        )
    }
    checklist = []
    for definition in MilestoneDefinition.objects.filter(is_active=True):
        row = rows_by_milestone.get(definition.id)
        checklist.append(
            {
                "definition": definition,
                "row": row,
                "status": row.status if row else MilestoneStatus.NOT_STARTED,
                "status_label": row.get_status_display()
                if row
                else MilestoneStatus.NOT_STARTED.label,
            }
        )
    return checklist


def milestone_summary(organisation_ids: list[int]) -> dict[int, int]:
    """How many active milestones each organisation has done."""
    return dict(
        OrganisationMilestone.objects.filter(
            organisation_id__in=organisation_ids,
            status=MilestoneStatus.DONE,
            milestone__is_active=True,
        )
        .values("organisation_id")
        .annotate(done=Count("id"))
        .values_list("organisation_id", "done")
    )


def active_milestone_total() -> int:
    return MilestoneDefinition.objects.filter(is_active=True).count()


def risk_support_sessions(organisation: Organisation, *, limit: int = 10) -> list[Any] | None:
    """The organisation's logged NCISH support sessions (coaching, kind "risk support"), newest
    first; None when the coaching app has no session model."""
    try:
        from coaching.models import CoachingSession
    except ImportError:  # pragma: no cover - coaching is part of every build today
        return None
    return list(
        CoachingSession.objects.filter(
            organisation=organisation, kind="risk_support", status="logged"
        ).order_by("-date", "-id")[:limit]
    )


# --- Audits --------------------------------------------------------------------------------


@dataclass
class AuditQuarter:
    quarter: date
    sample_size: int
    counts: dict[str, int]

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def short_label(self) -> str:
        return quarter_short_label(self.quarter)


def pool_by_quarter(audits: list[CareRecordAudit] | list[dict[str, Any]]) -> list[AuditQuarter]:
    """Audits pooled into quarters (wards and whole-organisation audits added together)."""
    pooled: dict[date, AuditQuarter] = {}
    for audit in audits:
        get = audit.get if isinstance(audit, dict) else audit.__getattribute__
        q = quarter_start(get("audit_date"))
        entry = pooled.setdefault(
            q, AuditQuarter(q, 0, {name: 0 for name, _l, _d in AUDIT_MEASURES})
        )
        entry.sample_size += get("sample_size")
        for name, _label, _direction in AUDIT_MEASURES:
            entry.counts[name] += get(name)
    return [pooled[q] for q in sorted(pooled)]


def fill_quarter_gaps(series: list[AuditQuarter]) -> list[AuditQuarter]:
    """One entry per quarter from first to last (a gap is an empty quarter with no records)."""
    if not series:
        return []
    by_quarter = {entry.quarter: entry for entry in series}
    filled = []
    q = series[0].quarter
    while q <= series[-1].quarter:
        filled.append(
            by_quarter.get(q) or AuditQuarter(q, 0, {name: 0 for name, _l, _d in AUDIT_MEASURES})
        )
        q = next_quarter(q)
    return filled


AUDIT_VALUE_FIELDS = ["audit_date", "sample_size", *[name for name, _l, _d in AUDIT_MEASURES]]


# --- The cohort dashboard -----------------------------------------------------------------


@dataclass
class OrganisationLine:
    participation: RiskParticipation
    ratings: dict[str, int | None]
    assessed_quarter: date | None
    milestones_done: int
    latest_audit: AuditQuarter | None
    unsuppressed: bool

    @property
    def organisation(self) -> Organisation:
        return self.participation.organisation

    @property
    def assessed_label(self) -> str:
        return quarter_short_label(self.assessed_quarter) if self.assessed_quarter else ""


def cohort_dashboard(user: Any, participations: list[RiskParticipation]) -> dict[str, Any]:
    """The heat map, milestone completion and audit trends for the organisations given
    (already scoped to the user)."""
    org_ids = [p.organisation_id for p in participations]
    domains = risk_domains()
    rules = suppression.Rules.from_settings()

    # Latest self-assessment of each organisation, and its ratings by domain code.
    latest: dict[int, tuple[date, int]] = {}
    for org_id, quarter, assessment_id in SelfAssessment.objects.filter(
        organisation_id__in=org_ids
    ).values_list("organisation_id", "quarter", "id"):
        if org_id not in latest or quarter > latest[org_id][0]:
            latest[org_id] = (quarter, assessment_id)
    ratings: dict[int, dict[str, int]] = defaultdict(dict)
    assessment_org = {assessment_id: org_id for org_id, (_q, assessment_id) in latest.items()}
    for assessment_id, code, level in SelfAssessmentRating.objects.filter(
        assessment_id__in=list(assessment_org)
    ).values_list("assessment_id", "domain__code", "level"):
        ratings[assessment_org[assessment_id]][code] = level

    done = milestone_summary(org_ids)

    audits_by_org: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for audit in CareRecordAudit.objects.filter(organisation_id__in=org_ids).values(
        "organisation_id", *AUDIT_VALUE_FIELDS
    ):
        audits_by_org[audit["organisation_id"]].append(audit)

    reach = read_reach(user)
    lines: dict[str, list[OrganisationLine]] = {cohort: [] for cohort in ACTIVE_COHORTS}
    not_yet = 0
    for participation in participations:
        if participation.cohort not in ACTIVE_COHORTS:
            not_yet += 1
            continue
        org_id = participation.organisation_id
        pooled = pool_by_quarter(audits_by_org.get(org_id, []))
        lines[participation.cohort].append(
            OrganisationLine(
                participation=participation,
                ratings={node.code: ratings.get(org_id, {}).get(node.code) for node in domains},
                assessed_quarter=latest[org_id][0] if org_id in latest else None,
                milestones_done=done.get(org_id, 0),
                latest_audit=pooled[-1] if pooled else None,
                unsuppressed=org_id in reach.organisation_ids or can_edit(participation, user),
            )
        )

    cohorts = []
    for cohort in ACTIVE_COHORTS:
        cohort_lines = lines[cohort]
        if not cohort_lines:
            continue
        audits = [a for line in cohort_lines for a in audits_by_org.get(line.organisation.id, [])]
        cohorts.append(
            {
                "code": cohort,
                "label": Cohort(cohort).label,
                "lines": cohort_lines,
                "domain_medians": [
                    _median([line.ratings[node.code] for line in cohort_lines]) for node in domains
                ],
                "audit_series": fill_quarter_gaps(pool_by_quarter(audits)),
            }
        )
    return {
        "domains": domains,
        "cohorts": cohorts,
        "not_yet": not_yet,
        "milestone_total": active_milestone_total(),
        "rules": rules,
    }


def _median(values: list[int | None]) -> float | None:
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    middle = len(known) // 2
    if len(known) % 2:
        return known[middle]
    return (known[middle - 1] + known[middle]) / 2


def heat_cell(level: float | None) -> dict[str, Any]:
    """A heat-map cell: the number and its label (never colour alone) and a colour class."""
    if level is None:
        return {"level": None, "text": "-", "label": "Not assessed", "css": "app-heat--none"}
    whole = int(level) if float(level).is_integer() else None
    label = MaturityLevel(whole).label if whole is not None else "between levels"
    text = str(whole) if whole is not None else f"{level:.1f}"
    return {
        "level": level,
        "text": text,
        "label": label,
        "css": f"app-heat--{int(level)}",
    }


# --- Reminders -----------------------------------------------------------------------------


def self_assessments_due_for(user: Any, today: date) -> list[DueItem]:
    """The quarterly risk self-assessments due, for the organisation's NCISH adviser and its
    organisation leads.

    The quarter just ended is overdue until recorded; the current quarter is due in its last
    month.
    """
    lead_orgs = (
        RoleAssignment.objects.current()
        .filter(user=user, role=Role.ORGANISATION_LEAD, organisation__isnull=False)
        .values("organisation_id")
    )
    participations = list(
        RiskParticipation.objects.filter(cohort__in=ACTIVE_COHORTS)
        .filter(Q(adviser=user) | Q(organisation_id__in=lead_orgs))
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if not participations:
        return []
    current = quarter_start(today)
    last = previous_quarter(current)
    due = [last]
    if (today.month - current.month) >= 2:
        due.append(current)
    recorded = set(
        SelfAssessment.objects.filter(
            organisation_id__in=[p.organisation_id for p in participations], quarter__in=due
        ).values_list("organisation_id", "quarter")
    )
    items = []
    for quarter in due:
        for participation in participations:
            if participation.starts_on and participation.starts_on > quarter_end(quarter):
                continue
            if (participation.organisation_id, quarter) in recorded:
                continue
            when = (
                f"was due by {quarter_end(quarter):%-d %B}"
                if quarter < current
                else f"is due by {quarter_end(quarter):%-d %B}"
            )
            items.append(
                DueItem(
                    kind="risk_self_assessment",
                    key=f"organisation:{participation.organisation_id}:{quarter:%Y-%m}",
                    text=(
                        f"{participation.organisation.name}: the risk self-assessment for "
                        f"{quarter_label(quarter)} {when}."
                    ),
                    url=reverse("risk:self_assessment", args=[participation.organisation.ods_code]),
                    when=quarter_end(quarter),
                )
            )
    return items


def maturity_summary(assessment: SelfAssessment | None) -> dict[str, Any] | None:
    """A one-line summary of a self-assessment: its median level and how many at 4 or more."""
    if assessment is None:
        return None
    levels = [r.level for r in assessment.ratings.all()]
    if not levels:
        return None
    median = _median(levels)
    return {
        "quarter": quarter_label(assessment.quarter),
        "median": median,
        "median_label": maturity_label(int(median)) if median is not None else "",
        "implementing": sum(1 for level in levels if level >= MaturityLevel.IMPLEMENTING),
        "domains": len(levels),
    }
