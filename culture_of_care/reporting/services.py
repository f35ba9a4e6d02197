"""Building the dashboard snapshots: every figure a dashboard shows, computed ahead of the page.

``snapshots_refresh`` recomputes the ward rows of some organisations (or all) from the live
tables in a fixed number of queries per batch, then the organisation, region and programme rows
by summing ward rows with ``aggregate`` (the same function a filtered page uses, so a filtered
and an unfiltered figure can never disagree). Called nightly by a Celery task and, queued with
``on_commit``, after any data change for an organisation (``tasks.py``).

Payloads are JSON: dates as ISO strings, measures keyed by id (as strings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from coaching.models import CoachingSession, Executive, SessionKind, SessionStatus
from culture_of_care.improvement import windows
from culture_of_care.improvement.models import (
    ChartSettings,
    CycleStatus,
    DataPoint,
    Involvement,
    Measure,
    PDSACycle,
    ProgressScore,
    Project,
    ProjectKind,
    Rebase,
)
from culture_of_care.reporting import chart_adapter
from culture_of_care.reporting.models import Snapshot, SnapshotKind
from organisations.models import Organisation, Region
from risk.models import MilestoneStatus, OrganisationMilestone, RiskParticipation
from wards.models import Ward, WardStatus

CO_PRODUCED = (Involvement.CO_DESIGNED, Involvement.LED)
NATIONAL_RATES = "rates"


def cohort_of(start: date | None) -> str:
    """The coaching cohort: the calendar quarter coaching started in, like ``2025-Q2``."""
    if start is None:
        return ""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def cohort_label(code: str) -> str:
    if not code:
        return "No coaching start"
    year, quarter = code.split("-Q")
    months = {"1": "January to March", "2": "April to June", "3": "July to September"}
    return f"Started {months.get(quarter, 'October to December')} {year}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- Ward rows --------------------------------------------------------------------------------


def _ward_payloads(wards: Sequence[Ward], measures: Sequence[Measure]) -> dict[int, dict]:
    """Every ward's own figures, from one query per kind of row for the whole batch."""
    ward_ids = [w.pk for w in wards]
    measure_ids = [m.pk for m in measures]
    series: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for ward_id, measure_id, period, num, den in (
        DataPoint.objects.filter(  # access: allowed (snapshot builder, every ward)
            ward_id__in=ward_ids, measure_id__in=measure_ids, equity_group=""
        )
        .order_by("period_start")
        .values_list("ward_id", "measure_id", "period_start", "numerator", "denominator")
    ):
        series[ward_id][measure_id].append(
            (period, float(num), None if den is None else float(den))
        )
    chart_settings = {
        (s.ward_id, s.measure_id): s
        for s in ChartSettings.objects.filter(ward_id__in=ward_ids, measure_id__in=measure_ids)
    }
    rebases: dict[tuple[int, int], list] = defaultdict(list)
    for ward_id, measure_id, start, reason in Rebase.objects.filter(
        ward_id__in=ward_ids, measure_id__in=measure_ids
    ).values_list("ward_id", "measure_id", "period_start", "reason"):
        rebases[(ward_id, measure_id)].append((start, reason))
    chosen: dict[int, set[int]] = defaultdict(set)
    for ward_id, measure_id in Project.measures.through.objects.filter(
        project__ward_id__in=ward_ids, project__kind=ProjectKind.WARD, measure_id__in=measure_ids
    ).values_list("project__ward_id", "measure_id"):
        chosen[ward_id].add(measure_id)
    progress: dict[int, dict[str, dict[str, float]]] = defaultdict(dict)
    for ward_id, month, scored_by, score in (
        ProgressScore.objects.filter(ward_id__in=ward_ids, project__kind=ProjectKind.WARD)
        .order_by("month")
        .values_list("ward_id", "month", "scored_by", "score")
    ):
        progress[ward_id].setdefault(month.isoformat(), {})[scored_by] = float(score)
    pdsa: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"started": defaultdict(int), "completed": defaultdict(int), "decisions": {}}
    )
    for ward_id, started, status, decided_on, decision, involvement in PDSACycle.objects.filter(
        ward_id__in=ward_ids, change_idea__project__kind=ProjectKind.WARD
    ).values_list("ward_id", "started_on", "status", "decided_on", "decision", "involvement"):
        row = pdsa[ward_id]
        row["cycles"] = row.get("cycles", 0) + 1
        if involvement in CO_PRODUCED:
            row["co_produced"] = row.get("co_produced", 0) + 1
        if started:
            row["started"][windows.month_start(started).isoformat()] += 1
        if status == CycleStatus.COMPLETE and decided_on:
            row["completed"][windows.month_start(decided_on).isoformat()] += 1
        if decision:
            row["decisions"][decision] = row["decisions"].get(decision, 0) + 1
    today = timezone.localdate()
    last_contact = dict(
        CoachingSession.objects.filter(
            ward_id__in=ward_ids,
            kind=SessionKind.WARD_QI,
            status=SessionStatus.LOGGED,
            date__lte=today,
        )
        .values("ward_id")
        .annotate(last=Max("date"))
        .values_list("ward_id", "last")
        .order_by()
    )

    out = {}
    for ward in wards:
        own = series.get(ward.pk, {})
        measure_set = chosen.get(ward.pk) or set(measure_ids)
        icons, settings_out = {}, {}
        for measure in measures:
            rows = own.get(measure.pk, [])
            item = chart_settings.get((ward.pk, measure.pk))
            fix_after = item.fix_after if item else None
            screen = item.screen_outliers if item else True
            trajectory = item.trajectory if item else []
            target = float(item.target) if item and item.target is not None else None
            ward_rebases = rebases.get((ward.pk, measure.pk), [])
            settings_out[str(measure.pk)] = {
                "fix_after": fix_after,
                "screen": screen,
                "rebases": [[_iso(d), r] for d, r in ward_rebases],
                "trajectory": trajectory,
                "target": target,
                "target_note": item.target_note if item else "",
            }
            if not rows:
                continue
            chart = chart_adapter.compute(
                measure,
                chart_adapter.ward_scope(ward),
                rows,
                fix_after=fix_after,
                screen_outliers=screen,
                rebases=ward_rebases,
                trajectory=trajectory,
                target=target,
            )
            latest = chart.latest
            icons[str(measure.pk)] = {
                "variation": chart.variation,
                "assurance": chart.assurance,
                "latest": _iso(latest.period) if latest else None,
                "value": latest.value if latest else None,
            }
        reported = [p for rows in own.values() for p, _, _ in rows]
        scores = progress.get(ward.pk, {})
        latest_coach = next(
            ((m, s["coach"]) for m, s in sorted(scores.items(), reverse=True) if "coach" in s),
            (None, None),
        )
        latest_team = next(
            ((m, s["team"]) for m, s in sorted(scores.items(), reverse=True) if "team" in s),
            (None, None),
        )
        cycles = pdsa.get(ward.pk)
        expected_from = windows.baseline_start(ward)
        out[ward.pk] = {
            "id": ward.pk,
            "name": ward.name,
            "code": ward.code,
            "organisation_id": ward.organisation_id,
            "organisation": ward.organisation.name,
            "ods": ward.organisation.ods_code,
            "region": ward.organisation.region,
            "provider_type": ward.organisation.provider_type,
            "service_type": ward.service_type.code,
            "service_type_name": ward.service_type.name,
            "cohort": cohort_of(ward.coaching_start),
            "status": ward.status,
            "beds": ward.beds,
            "coach": ward.qi_coach.full_name if ward.qi_coach else "",
            "coaching_start": _iso(ward.coaching_start),
            "expected_from": _iso(expected_from),
            "expected_to": _iso(windows.month_start(ward.coaching_end))
            if ward.coaching_end
            else None,
            "measures": sorted(measure_set),
            "series": {
                str(mid): [[_iso(p), n, d] for p, n, d in rows] for mid, rows in own.items()
            },
            "chart_settings": settings_out,
            "icons": icons,
            "last_reported": _iso(max(reported)) if reported else None,
            "progress": {
                "coach": latest_coach[1],
                "coach_month": latest_coach[0],
                "team": latest_team[1],
                "team_month": latest_team[0],
            },
            "progress_history": scores,
            "pdsa": {
                "cycles": cycles.get("cycles", 0) if cycles else 0,
                "co_produced": cycles.get("co_produced", 0) if cycles else 0,
                "started": dict(cycles["started"]) if cycles else {},
                "completed": dict(cycles["completed"]) if cycles else {},
                "decisions": cycles["decisions"] if cycles else {},
            },
            "last_contact": _iso(last_contact.get(ward.pk)),
        }
    return out


# --- Organisation rows ------------------------------------------------------------------------


def _organisation_extras(organisations: Sequence[Organisation]) -> dict[int, dict]:
    """What an organisation has beyond its wards: executives, risk work, middle-tier progress."""
    ids = [o.pk for o in organisations]
    executives = {
        row["organisation_id"]: row
        for row in Executive.objects.filter(organisation_id__in=ids, ended_on__isnull=True)
        .values("organisation_id")
        .annotate(
            total=Count("id", distinct=True),
            coached=Count(
                "id",
                distinct=True,
                filter=Q(
                    sessions__status=SessionStatus.LOGGED,
                    sessions__kind=SessionKind.EXECUTIVE,
                ),
            ),
        )
        .order_by()
    }
    cohorts = dict(
        RiskParticipation.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "cohort"
        )
    )
    milestones = {
        row["organisation_id"]: row
        for row in OrganisationMilestone.objects.filter(organisation_id__in=ids)
        .values("organisation_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=MilestoneStatus.DONE)))
        .order_by()
    }
    middle: dict[int, dict[str, Any]] = {}
    for org_id, month, scored_by, score in (
        ProgressScore.objects.filter(
            organisation_id__in=ids, project__kind=ProjectKind.ORGANISATION
        )
        .order_by("month")
        .values_list("organisation_id", "month", "scored_by", "score")
    ):
        middle.setdefault(org_id, {})[scored_by] = float(score)
        middle[org_id][f"{scored_by}_month"] = month.isoformat()
    out = {}
    for org in organisations:
        ex = executives.get(org.pk, {})
        ms = milestones.get(org.pk, {})
        out[org.pk] = {
            "id": org.pk,
            "name": org.name,
            "ods": org.ods_code,
            "region": org.region,
            "provider_type": org.provider_type,
            "status": org.status,
            "executives": ex.get("total", 0),
            "executives_coached": ex.get("coached", 0),
            "risk_cohort": cohorts.get(org.pk, ""),
            "risk_milestones_done": ms.get("done", 0),
            "risk_milestones_total": ms.get("total", 0),
            "middle_tier": middle.get(org.pk, {}),
        }
    return out


# --- Summing ward rows ------------------------------------------------------------------------

WARD_ROW_FIELDS = (
    "id",
    "name",
    "code",
    "organisation_id",
    "organisation",
    "ods",
    "region",
    "provider_type",
    "service_type",
    "service_type_name",
    "cohort",
    "status",
    "beds",
    "coach",
    "icons",
    "last_reported",
    "progress",
    "last_contact",
    "expected_from",
)


@lru_cache(maxsize=256)
def _months_between(first: date, last: date) -> tuple[str, ...]:
    """The ISO first days of the months from ``first`` to ``last`` (most wards share a span)."""
    out, current = [], first
    while current <= last:
        out.append(current.isoformat())
        current = windows.add_months(current, 1)
    return tuple(out)


def aggregate(
    ward_payloads: Iterable[dict],
    org_payloads: Iterable[dict],
    *,
    today: date,
    by_service_type: bool = False,
) -> dict[str, Any]:
    """Sum ward rows into a scope's figures (no queries).

    For each national measure and month: the numerator and denominator summed over the wards
    expected that month that reported it, how many reported and how many were expected. A ward is
    expected from its baseline start to the end of its coaching (never after the last closed
    month), unless
    it has withdrawn; its data outside that span does not count above the ward.
    """
    series: dict[str, dict[str, list]] = defaultdict(dict)
    by_type: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    progress: dict[str, dict[str, list[float]]] = defaultdict(
        lambda: {"coach": [0.0, 0], "team": [0.0, 0]}
    )
    pdsa_months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    decisions: dict[str, int] = defaultdict(int)
    cycles = co_produced = 0
    ward_rows = []
    last_month = windows.last_closed_month(today)
    funnel_to = windows.latest_reportable_month(today)
    for ward in ward_payloads:
        ward_rows.append(
            {k: ward.get(k) for k in WARD_ROW_FIELDS} | {"funnel": _funnel_row(ward, funnel_to)}
        )
        for month, scores in ward.get("progress_history", {}).items():
            for who in ("coach", "team"):
                if who in scores:
                    progress[month][who][0] += scores[who]
                    progress[month][who][1] += 1
        pdsa = ward.get("pdsa", {})
        cycles += pdsa.get("cycles", 0)
        co_produced += pdsa.get("co_produced", 0)
        for month, n in pdsa.get("started", {}).items():
            pdsa_months[month][0] += n
        for month, n in pdsa.get("completed", {}).items():
            pdsa_months[month][1] += n
        for decision, n in pdsa.get("decisions", {}).items():
            decisions[decision] += n
        if ward.get("status") == WardStatus.WITHDRAWN or not ward.get("expected_from"):
            continue
        first = date.fromisoformat(ward["expected_from"])
        last = last_month
        if ward.get("expected_to"):
            last = min(last, date.fromisoformat(ward["expected_to"]))
        for mid in ward.get("measures", []):
            key = str(mid)
            values = {row[0]: row for row in ward.get("series", {}).get(key, [])}
            targets = [series[key]]
            if by_service_type:
                targets.append(by_type[ward["service_type"]][key])
            for iso in _months_between(first, last):
                row = values.get(iso)
                for target in targets:
                    cell = target.setdefault(iso, [0.0, None, 0, 0])
                    cell[3] += 1
                    if row is not None:
                        cell[0] += row[1]
                        if row[2] is not None:
                            cell[1] = (cell[1] or 0.0) + row[2]
                        cell[2] += 1
    orgs = list(org_payloads)
    payload = {
        "series": series,
        "progress_history": {
            m: {w: (v[0] / v[1] if v[1] else None) for w, v in p.items()}
            for m, p in sorted(progress.items())
        },
        "pdsa_months": dict(sorted(pdsa_months.items())),
        "decisions": dict(decisions),
        "cycles": cycles,
        "co_produced": co_produced,
        "wards": ward_rows,
        "organisations": orgs,
        "last_month": last_month.isoformat(),
        "funnel_to": funnel_to.isoformat(),
    }
    if by_service_type:
        payload["by_service_type"] = by_type
    return payload


FUNNEL_MONTHS = 12


def _funnel_row(ward: dict, funnel_to: date) -> dict[str, list[float]]:
    """The ward's numerator and denominator per measure pooled over the 12 months up to
    ``funnel_to`` (the latest month past its deadline), for the funnel plot."""
    first = windows.add_months(funnel_to, -(FUNNEL_MONTHS - 1)).isoformat()
    last = funnel_to.isoformat()
    out = {}
    for mid, rows in ward.get("series", {}).items():
        used = [r for r in rows if first <= r[0] <= last and r[2] is not None]
        if used:
            out[mid] = [sum(r[1] for r in used), sum(r[2] for r in used), len(used)]
    return out


# --- The refresh ------------------------------------------------------------------------------


def national_measures() -> list[Measure]:
    return list(Measure.objects.national().filter(is_active=True).order_by("order", "name"))


def snapshots_refresh(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Recompute the snapshots of these organisations (or all), their regions and the programme.

    Ward and organisation rows are rebuilt from the live tables; region and programme rows are
    then summed from every stored ward row. Idempotent; returns how many rows were written.
    """
    now = timezone.now()
    today = timezone.localdate()
    measures = national_measures()
    orgs = Organisation.objects.all()
    if organisation_ids is not None:
        orgs = orgs.filter(pk__in=list(organisation_ids))
    orgs = list(orgs)
    wards = list(
        Ward.objects.filter(organisation__in=orgs).select_related(
            "organisation", "service_type", "qi_coach"
        )
    )
    ward_payloads = _ward_payloads(wards, measures)
    extras = _organisation_extras(orgs)
    # The filtered views these wards are in, before and after (a ward that changed service type
    # leaves one and joins another); ``None`` rebuilds every filtered view.
    touched: set[str] | None = None
    if organisation_ids is not None:
        before = Snapshot.objects.filter(
            kind=SnapshotKind.WARD, organisation_id__in=[o.pk for o in orgs]
        ).values("region", "provider_type", "service_type", "cohort")
        touched = {key for row in before for key in filter_keys_of(row)}
        touched |= {key for row in ward_payloads.values() for key in filter_keys_of(row)}
    by_org: dict[int, list[dict]] = defaultdict(list)
    for payload in ward_payloads.values():
        by_org[payload["organisation_id"]].append(payload)
    written = 0
    with transaction.atomic():
        for ward in wards:
            payload = ward_payloads[ward.pk]
            _store(
                SnapshotKind.WARD,
                str(ward.pk),
                payload,
                now,
                organisation_id=ward.organisation_id,
                ward_id=ward.pk,
                region=payload["region"],
                provider_type=payload["provider_type"],
                service_type=payload["service_type"],
                cohort=payload["cohort"],
            )
            written += 1
        for org in orgs:
            payload = aggregate(by_org.get(org.pk, []), [extras[org.pk]], today=today)
            payload["organisation"] = extras[org.pk]
            _store(
                SnapshotKind.ORGANISATION,
                str(org.pk),
                payload,
                now,
                organisation_id=org.pk,
                region=org.region,
                provider_type=org.provider_type,
            )
            written += 1
        written += _refresh_above_organisations(
            regions={o.region for o in orgs}, now=now, today=today, filtered=touched
        )
    return written


def _refresh_above_organisations(
    *, regions: set[str], now: Any, today: date, filtered: set[str] | None = None
) -> int:
    """Regions, the programme and the filtered views (all, or the keys in ``filtered``), summed
    from every stored ward and organisation row."""
    ward_rows = list(
        Snapshot.objects.filter(kind=SnapshotKind.WARD).values_list("region", "payload")
    )
    org_rows = list(
        Snapshot.objects.filter(kind=SnapshotKind.ORGANISATION).values_list("region", "payload")
    )
    written = 0
    for region in sorted(regions):
        payload = aggregate(
            (p for r, p in ward_rows if r == region),
            (p["organisation"] for r, p in org_rows if r == region),
            today=today,
        )
        _store(SnapshotKind.REGION, region, payload, now, region=region)
        written += 1
    payload = aggregate(
        (p for _, p in ward_rows),
        (p["organisation"] for _, p in org_rows),
        today=today,
        by_service_type=True,
    )
    _store(SnapshotKind.PROGRAMME, "", payload, now)
    # The national comparison every organisation and ward page shows beside its own figures:
    # national totals only (not tenant data, never suppressed), kept small.
    funnel_totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in payload["wards"]:
        if row.get("status") == WardStatus.WITHDRAWN:
            continue
        for mid, (num, den, _months) in row["funnel"].items():
            funnel_totals[mid][0] += num
            funnel_totals[mid][1] += den
    rates = {
        "series": payload["series"],
        "by_service_type": payload["by_service_type"],
        "funnel_totals": funnel_totals,
        "funnel_to": payload["funnel_to"],
    }
    _store(SnapshotKind.PROGRAMME, NATIONAL_RATES, rates, now)
    written += _refresh_filtered(ward_rows, org_rows, now=now, today=today, only=filtered)
    return written + 2


# --- Filtered views (issue 18) ------------------------------------------------------------------

FILTER_FIELDS = ("region", "provider_type", "service_type", "cohort")
_FILTER_CODES = {"region": "r", "provider_type": "p", "service_type": "s", "cohort": "c"}


def precomputed_filters() -> int:
    """How many filters at once a stored filtered view covers (``REPORTING_PRECOMPUTED_FILTERS``);
    a page with more filters sums its (few) matching wards when it is asked for."""
    return int(getattr(settings, "REPORTING_PRECOMPUTED_FILTERS", 2))


def filter_key(values: dict[str, str]) -> str:
    """The key of a filtered view's snapshot, fields in a fixed order: ``p:nhs_trust|s:10``."""
    return "|".join(
        f"{_FILTER_CODES[name]}:{values[name]}" for name in FILTER_FIELDS if values.get(name)
    )


def filter_keys_of(ward: dict) -> list[str]:
    """Every stored filtered view this ward row belongs to (up to ``precomputed_filters()``
    filters at once)."""
    present = [name for name in FILTER_FIELDS if ward.get(name)]
    keys = []
    for size in range(1, min(precomputed_filters(), len(present)) + 1):
        for names in combinations(present, size):
            keys.append(filter_key({name: ward[name] for name in names}))
    return keys


def _refresh_filtered(
    ward_rows: list[tuple[str, dict]],
    org_rows: list[tuple[str, dict]],
    *,
    now: Any,
    today: date,
    only: set[str] | None,
) -> int:
    """Store each filtered view's figures, summed exactly as a filtered page would sum them, so
    a filtered page reads one row whatever the programme's size. Views left with no wards go."""
    members: dict[str, list[dict]] = defaultdict(list)
    for _region, payload in ward_rows:
        for key in filter_keys_of(payload):
            if only is None or key in only:
                members[key].append(payload)
    organisations = {p["organisation"]["id"]: p["organisation"] for _region, p in org_rows}
    rows = []
    for key, wards in members.items():
        org_ids = {w["organisation_id"] for w in wards}
        payload = aggregate(
            wards,
            [organisations[i] for i in sorted(org_ids) if i in organisations],
            today=today,
        )
        rows.append(Snapshot(kind=SnapshotKind.FILTERED, key=key, payload=payload, computed_at=now))
    # One upsert per batch rather than a read and a write per view (hundreds at scale 10).
    Snapshot.objects.bulk_create(
        rows,
        batch_size=50,
        update_conflicts=True,
        unique_fields=["kind", "key"],
        update_fields=["payload", "computed_at"],
    )
    stale = Snapshot.objects.filter(kind=SnapshotKind.FILTERED)
    if only is None:
        stale = stale.exclude(key__in=list(members))
    else:
        stale = stale.filter(key__in=sorted(only - set(members)))
    stale.delete()
    return len(members)


def ward_payload_now(ward: Ward) -> dict:
    """One ward's figures computed from the live tables (a ward whose snapshot is not built
    yet, such as one onboarded today); nothing is stored."""
    return _ward_payloads([ward], national_measures())[ward.pk]


def organisation_payload_now(organisation: Organisation) -> dict:
    """One organisation's figures from the live tables, when it has no snapshot yet."""
    wards = list(
        Ward.objects.filter(organisation=organisation).select_related(
            "organisation", "service_type", "qi_coach"
        )
    )
    extras = _organisation_extras([organisation])[organisation.pk]
    payload = aggregate(
        _ward_payloads(wards, national_measures()).values(),
        [extras],
        today=timezone.localdate(),
    )
    payload["organisation"] = extras
    return payload


def _store(kind: str, key: str, payload: dict, now: Any, **fields: Any) -> None:
    Snapshot.objects.update_or_create(
        kind=kind, key=key, defaults={"payload": payload, "computed_at": now, **fields}
    )


REGION_NAMES = dict(Region.choices)
