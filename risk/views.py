"""Risk pages: the cohort dashboard, each organisation's risk work, and the practice library.

Every organisation page starts from ``selectors.organisation_for_risk`` (404 outside reach);
every write checks ``ensure_may_change_in(organisation, user, Domain.RISK)`` (403 for a reachable organisation the role
may not change). Cohort moves and the milestone checklist are for programme admins only.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from culture_of_care import suppression
from culture_of_care.access import (
    Domain,
    can_edit,
    ensure_editable,
    ensure_may_change_in,
    get_visible_or_404,
    is_programme_admin,
    may_change_in,
    read_reach,
    require_programme_admin,
)
from culture_of_care.periods import previous_quarter, quarter_label, quarter_start
from organisations.models import Organisation
from risk import charts, selectors, services
from risk.forms import (
    CareRecordAuditForm,
    CohortForm,
    MilestoneDefinitionForm,
    MilestoneForm,
    NewMilestoneDefinitionForm,
    PracticeExampleForm,
    PracticeSearchForm,
    SelfAssessmentForm,
    StaffTrainedForm,
)
from risk.models import (
    ACTIVE_COHORTS,
    AUDIT_MEASURES,
    CareRecordAudit,
    MilestoneDefinition,
    PracticeExample,
    RiskParticipation,
    library_open_to,
)


def _apply_errors(form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form, field by field where it can."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Dashboard -----------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """NCISH advisers and programme leads see the cohorts; anyone else their own organisation."""
    user = request.user
    if selectors.has_cohort_view(user):
        participations = list(
            RiskParticipation.objects.visible_to(user)
            .select_related("organisation", "adviser")
            .order_by("organisation__name")
        )
        context = selectors.cohort_dashboard(user, participations)
        rules = context["rules"]
        for cohort in context["cohorts"]:
            cohort["median_cells"] = [selectors.heat_cell(m) for m in cohort["domain_medians"]]
            for line in cohort["lines"]:
                line.cells = [
                    selectors.heat_cell(line.ratings[node.code]) for node in context["domains"]
                ]
                line.audit_cells = _audit_cells(
                    line.latest_audit, None if line.unsuppressed else rules
                )
            # The pooled cohort trend is shown beyond any one organisation: always suppressed.
            cohort["charts"] = charts.audit_charts(cohort["audit_series"], rules=rules)
        context.update(
            {
                "audit_measures": AUDIT_MEASURES,
                "is_admin": is_programme_admin(user),
                "library_open": library_open_to(user),
                "assessed_this_quarter": _assessed_this_quarter(context),
            }
        )
        return render(request, "risk/dashboard.html", context)

    reach = read_reach(user)
    organisations = list(
        Organisation.objects.visible_to(user).filter(id__in=reach.organisation_ids).order_by("name")
    )
    if len(organisations) == 1:
        return redirect("risk:organisation", ods_code=organisations[0].ods_code)
    participations = {
        p.organisation_id: p
        for p in RiskParticipation.objects.visible_to(user).filter(organisation__in=organisations)
    }
    return render(
        request,
        "risk/my_organisations.html",
        {
            "rows": [(org, participations.get(org.id)) for org in organisations],
            "library_open": library_open_to(user),
        },
    )


def _assessed_this_quarter(context: dict) -> dict[str, int]:
    current = quarter_start(timezone.localdate())
    lines = [line for cohort in context["cohorts"] for line in cohort["lines"]]
    return {
        "quarter": quarter_label(current),
        "done": sum(1 for line in lines if line.assessed_quarter == current),
        "total": len(lines),
    }


def _audit_cells(latest, rules: suppression.Rules | None) -> list[str]:
    if latest is None:
        return []
    cells = []
    for name, _label, _direction in AUDIT_MEASURES:
        x, n = latest.counts[name], latest.sample_size
        if rules is None:
            cells.append(f"{100 * x / n:.0f}%" if n else "-")
        else:
            cells.append(suppression.show_percentage(x, n, rules))
    return cells


# --- Participation (programme admins) ------------------------------------------------------


@login_required
def participation_list(request: HttpRequest) -> HttpResponse:
    require_programme_admin(request.user)
    organisations = Organisation.objects.visible_to(request.user).order_by("name")
    participations = {
        p.organisation_id: p
        for p in RiskParticipation.objects.visible_to(request.user).select_related("adviser")
    }
    rows = [(org, participations.get(org.id)) for org in organisations]
    counts = {label: 0 for _code, label in RiskParticipation._meta.get_field("cohort").choices}
    for _org, participation in rows:
        label = participation.get_cohort_display() if participation else "Not yet taking part"
        counts[label] = counts.get(label, 0) + 1
    return render(request, "risk/participation_list.html", {"rows": rows, "counts": counts})


@login_required
def participation_edit(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())
    require_programme_admin(request.user)
    participation = selectors.participation_for(organisation)
    initial = {}
    if participation:
        initial = {
            "cohort": participation.cohort,
            "starts_on": participation.starts_on,
            "adviser": participation.adviser_id,
        }
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        participation = services.participation_set(
            actor=request.user,
            organisation=organisation,
            cohort=form.cleaned_data["cohort"],
            starts_on=form.cleaned_data["starts_on"],
            adviser=form.cleaned_data["adviser"],
        )
        messages.success(
            request, f"{organisation.name} is now in: {participation.get_cohort_display()}."
        )
        return redirect("risk:participation_list")
    return render(
        request,
        "risk/participation_form.html",
        {"organisation": organisation, "participation": participation, "form": form},
    )


# --- Milestone checklist (programme admins) ------------------------------------------------


@login_required
def milestone_definitions(request: HttpRequest) -> HttpResponse:
    require_programme_admin(request.user)
    return render(
        request,
        "risk/milestone_definitions.html",
        {"definitions": MilestoneDefinition.objects.all()},
    )


@login_required
def milestone_definition_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_programme_admin(request.user)
    definition = get_object_or_404(MilestoneDefinition, pk=pk) if pk else None
    form_class = MilestoneDefinitionForm if definition else NewMilestoneDefinitionForm
    form = form_class(request.POST or None, instance=definition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.milestone_definition_save(
            actor=request.user,
            definition=definition,
            code=data.get("code", ""),
            name=data["name"],
            evidence_hint=data["evidence_hint"],
            order=data["order"],
            is_active=data["is_active"],
        )
        messages.success(request, f"Saved the milestone: {data['name']}.")
        return redirect("risk:milestone_definitions")
    return render(
        request, "risk/milestone_definition_form.html", {"form": form, "definition": definition}
    )


# --- One organisation ----------------------------------------------------------------------


@login_required
def organisation(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    domains = selectors.risk_domains()
    unsuppressed = selectors.sees_unsuppressed(request.user, org)
    rules = None if unsuppressed else suppression.Rules.from_settings()
    audits = list(
        CareRecordAudit.objects.visible_to(request.user)
        .filter(organisation=org)
        .values(*selectors.AUDIT_VALUE_FIELDS)
    )
    series = selectors.pool_by_quarter(audits)
    assessments = selectors.assessment_table(org, domains)
    checklist = selectors.milestone_checklist(org)
    examples = PracticeExample.objects.visible_to(request.user).filter(organisation=org)
    return render(
        request,
        "risk/organisation.html",
        {
            "organisation": org,
            "participation": selectors.participation_for(org),
            "can_edit": may_change_in(org, request.user, Domain.RISK),
            "domains": domains,
            "assessments": assessments["assessments"],
            "assessment_rows": [
                {
                    "domain": row.domain,
                    "cells": [selectors.heat_cell(r.level if r else None) for r in row.history],
                }
                for row in assessments["rows"]
            ],
            "checklist": checklist,
            "milestones_done": sum(1 for item in checklist if item["status"] == "done"),
            "latest_audit": series[-1] if series else None,
            "latest_audit_rows": list(
                zip(
                    [label for _name, label, _direction in AUDIT_MEASURES],
                    _audit_cells(series[-1] if series else None, rules),
                    strict=False,
                )
            ),
            "project": selectors.risk_project(org),
            "support_sessions": selectors.risk_support_sessions(org),
            "examples": examples[:10],
            "library_open": library_open_to(request.user),
        },
    )


@login_required
def self_assessment(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    ensure_may_change_in(org, request.user, Domain.RISK)
    domains = selectors.risk_domains()
    today = timezone.localdate()
    try:
        requested = date.fromisoformat(
            request.POST.get("quarter") or request.GET.get("quarter", "")
        )
        quarter = quarter_start(requested)
    except ValueError:
        quarter = quarter_start(today)
    current, previous = selectors.quarter_context(org, quarter)
    current_ratings = selectors.ratings_by_code(current)
    initial = {"quarter": quarter.isoformat()}
    for code, rating in current_ratings.items():
        initial[f"level_{code}"] = rating.level
        initial[f"evidence_{code}"] = rating.evidence
    form = SelfAssessmentForm(
        request.POST or None,
        initial=initial,
        domains=domains,
        previous=selectors.ratings_by_code(previous),
        previous_label=f"Last quarter ({quarter_label(previous_quarter(quarter))})",
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        # The quarter chosen in the form is the one assessed.
        quarter = form.cleaned_data["quarter"]
        try:
            services.self_assessment_record(
                actor=request.user,
                organisation=org,
                quarter=quarter,
                ratings=form.ratings(),
            )
        except ValidationError as error:
            _apply_errors(
                form,
                error,
                {node.code: f"evidence_{node.code}" for node in domains},
            )
        else:
            messages.success(request, f"Saved the self-assessment for {quarter_label(quarter)}.")
            return redirect("risk:organisation", ods_code=org.ods_code)
    return render(
        request,
        "risk/self_assessment_form.html",
        {
            "organisation": org,
            "form": form,
            "quarter": quarter,
            "quarter_label": quarter_label(quarter),
            "existing": current,
            "has_errors": bool(form.errors),
        },
    )


@login_required
def milestones(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    editable = may_change_in(org, request.user, Domain.RISK)
    participation = selectors.participation_for(org)
    staff_form = StaffTrainedForm(
        request.POST or None,
        initial={
            "staff_trained_percent": getattr(participation, "staff_trained_percent", None),
            "staff_trained_on": getattr(participation, "staff_trained_on", None)
            or timezone.localdate(),
        },
    )
    if request.method == "POST":
        ensure_may_change_in(org, request.user, Domain.RISK)
        if staff_form.is_valid():
            services.staff_trained_set(
                actor=request.user,
                organisation=org,
                percent=staff_form.cleaned_data["staff_trained_percent"],
                as_at=staff_form.cleaned_data["staff_trained_on"],
            )
            messages.success(request, "Saved the percentage of staff trained.")
            return redirect("risk:milestones", ods_code=org.ods_code)
    return render(
        request,
        "risk/milestones.html",
        {
            "organisation": org,
            "participation": participation,
            "checklist": selectors.milestone_checklist(org),
            "can_edit": editable,
            "staff_form": staff_form,
            "has_errors": bool(staff_form.errors),
        },
    )


@login_required
def milestone_edit(request: HttpRequest, ods_code: str, code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    ensure_may_change_in(org, request.user, Domain.RISK)
    definition = get_object_or_404(MilestoneDefinition, code=code, is_active=True)
    row = org.risk_milestones.filter(milestone=definition).first()
    initial = {"status": row.status, "date": row.date, "evidence": row.evidence} if row else {}
    form = MilestoneForm(request.POST or None, initial=initial, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(
                actor=request.user,
                organisation=org,
                milestone=definition,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["date"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Updated: {definition.name}.")
            return redirect("risk:milestones", ods_code=org.ods_code)
    return render(
        request,
        "risk/milestone_form.html",
        {"organisation": org, "definition": definition, "form": form},
    )


@login_required
def audits(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    unsuppressed = selectors.sees_unsuppressed(request.user, org)
    rules = None if unsuppressed else suppression.Rules.from_settings()
    rows = list(
        CareRecordAudit.objects.visible_to(request.user)
        .filter(organisation=org)
        .select_related("ward")
        .order_by("-audit_date", "ward__name")
    )
    series = selectors.fill_quarter_gaps(selectors.pool_by_quarter(rows))
    table = []
    for audit in rows:
        cells = []
        for name, _label, _direction in AUDIT_MEASURES:
            x = getattr(audit, name)
            if rules is None:
                cells.append(f"{x} ({100 * x / audit.sample_size:.0f}%)")
            else:
                cells.append(
                    f"{suppression.show_count(x, rules)} "
                    f"({suppression.show_percentage(x, audit.sample_size, rules)})"
                )
        sample = (
            str(audit.sample_size)
            if rules is None
            else suppression.show_count(audit.sample_size, rules)
        )
        table.append({"audit": audit, "sample": sample, "cells": cells})
    return render(
        request,
        "risk/audits.html",
        {
            "organisation": org,
            "table": table,
            "charts": charts.audit_charts(series, rules=rules),
            "suppressed_view": rules is not None,
            "audit_measures": AUDIT_MEASURES,
            "can_edit": may_change_in(org, request.user, Domain.RISK),
        },
    )


@login_required
def audit_new(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    ensure_may_change_in(org, request.user, Domain.RISK)
    form = CareRecordAuditForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_record_audit_record(
                actor=request.user,
                organisation=org,
                ward=form.cleaned_data["ward"],
                audit_date=form.cleaned_data["audit_date"],
                sample_size=form.cleaned_data["sample_size"],
                counts=form.counts(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Saved the care-record audit.")
            return redirect("risk:audits", ods_code=org.ods_code)
    return render(request, "risk/audit_form.html", {"organisation": org, "form": form})


# --- Practice examples ---------------------------------------------------------------------


def _require_library(request: HttpRequest) -> None:
    # A not-yet organisation does not see the library: a 404 says nothing of what is in it.
    if not library_open_to(request.user):
        raise Http404("Not found")


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    _require_library(request)
    form = PracticeSearchForm(request.GET or None)
    examples = (
        PracticeExample.objects.visible_to(request.user)
        .filter(published=True)
        .select_related("organisation")
    )
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        examples = examples.search(query)
        if form.cleaned_data["kind"]:
            examples = examples.filter(kind=form.cleaned_data["kind"])
    examples = examples.order_by("-published_at", "-id")
    page = Paginator(examples, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "risk/practice_list.html",
        {"page": page, "form": form, "search_text": query, "query": params.urlencode()},
    )


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    example = get_visible_or_404(
        PracticeExample.objects.select_related("organisation", "author"), request.user, pk=pk
    )
    return render(
        request,
        "risk/practice_detail.html",
        {"example": example, "can_edit": can_edit(example, request.user)},
    )


@login_required
def practice_new(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = selectors.organisation_for_risk(request.user, ods_code)
    ensure_may_change_in(org, request.user, Domain.RISK)
    participation = selectors.participation_for(org)
    if participation is None or participation.cohort not in ACTIVE_COHORTS:
        raise PermissionDenied("Organisations share practice examples once they are in a cohort.")
    return _practice_form(request, org, None)


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    example = get_visible_or_404(
        PracticeExample.objects.select_related("organisation"), request.user, pk=pk
    )
    ensure_editable(example, request.user)
    return _practice_form(request, example.organisation, example)


def _practice_form(
    request: HttpRequest, org: Organisation, example: PracticeExample | None
) -> HttpResponse:
    form = PracticeExampleForm(request.POST or None, instance=example)
    if request.method == "POST" and form.is_valid():
        saved = services.practice_example_save(
            actor=request.user,
            organisation=org,
            example=example,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
            published=form.cleaned_data["published"],
        )
        messages.success(
            request,
            "Published the practice example." if saved.published else "Saved the draft.",
        )
        return redirect("risk:practice_detail", pk=saved.pk)
    return render(
        request,
        "risk/practice_form.html",
        {"organisation": org, "example": example, "form": form},
    )
