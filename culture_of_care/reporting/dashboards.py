"""Reads for the dashboards (national, region, organisation, ward): snapshots into page figures.

A page reads its scope's snapshot (or, when filtered, the ward and organisation rows that match)
and the national comparison, and computes what it shows in memory: a fixed number of queries
whatever the programme's size. Which months count above the ward is decided here, with today's
date, by ``completeness.classify_months``.

Access: national and region pages are for programme leads and admins; an organisation's page for
those who reach the whole organisation (its lead, its leadership coaches, its executives, the
programme); a ward's page for anyone who reaches the ward. Anything else is a 404. Every read of
a tenant's snapshot goes through ``Snapshot.objects.visible_to``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from culture_of_care.access import get_visible_or_404, has_role, reaches_whole_organisation
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.improvement import funnel, windows
from culture_of_care.improvement.models import SCORE_CHOICES, Measure, MeasureKind
from culture_of_care.reporting import chart_adapter, publish, services
from culture_of_care.reporting.completeness import COMPLETE, INCOMPLETE, classify_months
from culture_of_care.reporting.models import Snapshot, SnapshotKind
from culture_of_care.reporting.selectors import national_rates as _national_rates
from culture_of_care.reporting.services import (
    aggregate,
    cohort_label,
    national_measures,
)
from organisations.models import Organisation, ProviderType, Region
from risk.models import Cohort
from wards.models import ServiceType, Ward, WardStatus

NO_CONTACT_AFTER = timedelta(weeks=6)
ACTIVITY_MONTHS = 12
REGION_NAMES = dict(Region.choices)
PROVIDER_NAMES = dict(ProviderType.choices)
STATUS_NAMES = dict(WardStatus.choices)
COHORT_NAMES = dict(Cohort.choices)


def threshold() -> float:
    return float(getattr(settings, "REPORTING_COMPLETENESS_THRESHOLD", 0.8))


# --- Who sees which level ---------------------------------------------------------------------


def may_see_national(user: Any) -> bool:
    return has_role(user, *PROGRAMME_WIDE)


def _require_national(user: Any) -> None:
    # A 404, not a 403: the page does not exist for this person (STYLE.md).
    if not may_see_national(user):
        raise Http404("Not found")


# --- Filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    region: str = ""
    provider_type: str = ""
    service_type: str = ""
    cohort: str = ""

    @property
    def active(self) -> bool:
        return bool(self.region or self.provider_type or self.service_type or self.cohort)

    def query(self) -> str:
        from urllib.parse import urlencode

        items = {k: v for k, v in self.__dict__.items() if v}
        return urlencode(items)

    def matches(self, row: dict) -> bool:
        return all(
            not want or row.get(name) == want
            for name, want in (
                ("region", self.region),
                ("provider_type", self.provider_type),
                ("service_type", self.service_type),
                ("cohort", self.cohort),
            )
        )


def filters_from(params: Any, *, region: str = "") -> tuple[Filters, list[str]]:
    """The filters from the query string; an unknown value is ignored with a message."""
    errors = []
    values = {}
    codes = set(ServiceType.objects.values_list("code", flat=True))
    for name, allowed, label in (
        ("region", set(REGION_NAMES), "region"),
        ("provider_type", set(PROVIDER_NAMES), "provider type"),
        ("service_type", codes, "service type"),
        ("cohort", None, "cohort"),
    ):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        ok = raw in allowed if allowed is not None else _valid_cohort(raw)
        if ok:
            values[name] = raw
        else:
            errors.append(f"'{raw}' is not a {label} the dashboard knows, so it was not applied.")
    if region:
        values["region"] = region
    return Filters(**values), errors


def _valid_cohort(raw: str) -> bool:
    year, _, quarter = raw.partition("-Q")
    return len(year) == 4 and year.isdigit() and quarter in {"1", "2", "3", "4"}


def filter_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "region": list(Region.choices),
        "provider_type": list(ProviderType.choices),
        "service_type": [(s.code, s.name) for s in ServiceType.objects.order_by("code")],
    }


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class Loaded:
    level: str  # programme / region / organisation / ward
    key: str
    title: str
    payload: dict
    computed_at: datetime | None
    national: dict
    organisation_id: int | None = None
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)


def _visible(user: Any):
    return Snapshot.objects.visible_to(user)


def load_programme(user: Any, filters: Filters) -> Loaded:
    _require_national(user)
    crumbs = [("Home", reverse("home"))]
    if not filters.active:
        row = (
            _visible(user)
            .filter(kind=SnapshotKind.PROGRAMME, key="")
            .values_list("payload", "computed_at")
            .first()
        )
        payload, computed = row if row else ({}, None)
        national, _ = _national_rates()
        return Loaded(
            "programme", "", "National dashboard", payload, computed, national, None, crumbs
        )
    return _filtered(user, "programme", "", "National dashboard", filters, crumbs)


def load_region(user: Any, code: str, filters: Filters) -> Loaded:
    _require_national(user)
    if code not in REGION_NAMES:
        raise Http404("Not found")
    title = REGION_NAMES[code]
    crumbs = [("Home", reverse("home")), ("National dashboard", reverse("dashboards:national"))]
    if not (filters.provider_type or filters.service_type or filters.cohort):
        row = (
            _visible(user)
            .filter(kind=SnapshotKind.REGION, key=code)
            .values_list("payload", "computed_at")
            .first()
        )
        payload, computed = row if row else ({}, None)
        national, _ = _national_rates()
        return Loaded("region", code, title, payload, computed, national, None, crumbs, filters)
    return _filtered(user, "region", code, title, filters, crumbs)


def _filtered(
    user: Any, level: str, key: str, title: str, filters: Filters, crumbs: list
) -> Loaded:
    """Figures for a filtered view: its stored snapshot (issue 18), which the refresh sums from
    the matching ward rows; with more filters than are stored, or before the refresh has seen
    these wards, the matching ward and organisation rows summed now, in the same way."""
    values = {name: getattr(filters, name) for name in services.FILTER_FIELDS}
    active = sum(1 for value in values.values() if value)
    if active <= services.precomputed_filters():
        row = (
            _visible(user)
            .filter(kind=SnapshotKind.FILTERED, key=services.filter_key(values))
            .values_list("payload", "computed_at")
            .first()
        )
        if row is not None:
            national, _ = _national_rates()
            payload, computed = row
            return Loaded(level, key, title, payload, computed, national, None, crumbs, filters)
    return _summed_now(user, level, key, title, filters, crumbs)


def _summed_now(
    user: Any, level: str, key: str, title: str, filters: Filters, crumbs: list
) -> Loaded:
    """A filtered view summed from its matching ward and organisation rows, as the refresh does."""
    wards = _visible(user).filter(kind=SnapshotKind.WARD)
    orgs = _visible(user).filter(kind=SnapshotKind.ORGANISATION)
    for name in ("region", "provider_type", "service_type", "cohort"):
        value = getattr(filters, name)
        if value:
            wards = wards.filter(**{name: value})
            if name in ("region", "provider_type"):
                orgs = orgs.filter(**{name: value})
    ward_rows = list(wards.values_list("payload", "computed_at"))
    org_ids = {p["organisation_id"] for p, _ in ward_rows}
    org_rows = [
        p["organisation"]
        for p in orgs.values_list("payload", flat=True)
        if p["organisation"]["id"] in org_ids
    ]
    payload = aggregate((p for p, _ in ward_rows), org_rows, today=timezone.localdate())
    computed = min((c for _, c in ward_rows), default=None)
    national, _ = _national_rates()
    return Loaded(level, key, title, payload, computed, national, None, crumbs, filters)


def load_organisation(user: Any, ods_code: str) -> Loaded:
    row = (
        _visible(user)
        .filter(kind=SnapshotKind.ORGANISATION, organisation__ods_code=ods_code)
        .values_list("payload", "computed_at", "organisation_id")
        .first()
    )
    if row is None:
        # Not refreshed yet (a new organisation): its figures now, if the person may see it.
        organisation = get_visible_or_404(Organisation, user, ods_code=ods_code)
        if not reaches_whole_organisation(user, organisation):
            raise Http404("Not found")
        row = (services.organisation_payload_now(organisation), None, organisation.pk)
    payload, computed, org_id = row
    crumbs = [("Home", reverse("home"))]
    if may_see_national(user):
        region = payload["organisation"]["region"]
        crumbs += [
            ("National dashboard", reverse("dashboards:national")),
            (REGION_NAMES.get(region, region), reverse("dashboards:region", args=[region])),
        ]
    national, _ = _national_rates()
    title = payload["organisation"]["name"]
    return Loaded("organisation", ods_code, title, payload, computed, national, org_id, crumbs)


def load_ward(user: Any, ward_id: int) -> Loaded:
    row = (
        _visible(user)
        .filter(kind=SnapshotKind.WARD, ward_id=ward_id)
        .values_list("payload", "computed_at", "organisation_id")
        .first()
    )
    if row is None:
        # Not refreshed yet (a new ward): its figures now, if the person may see it.
        ward = get_visible_or_404(
            Ward.objects.select_related("organisation", "service_type", "qi_coach"),
            user,
            pk=ward_id,
        )
        row = (services.ward_payload_now(ward), None, ward.organisation_id)
    payload, computed, org_id = row
    crumbs = [("Home", reverse("home"))]
    if may_see_national(user):
        crumbs += [
            ("National dashboard", reverse("dashboards:national")),
            (
                REGION_NAMES.get(payload["region"], payload["region"]),
                reverse("dashboards:region", args=[payload["region"]]),
            ),
        ]
    if may_see_national(user) or user_reaches_organisation(user, org_id):
        crumbs.append(
            (payload["organisation"], reverse("dashboards:organisation", args=[payload["ods"]]))
        )
    national, _ = _national_rates()
    return Loaded(
        "ward", str(ward_id), payload["name"], payload, computed, national, org_id, crumbs
    )


def user_reaches_organisation(user: Any, organisation_id: int) -> bool:
    """Whether this person sees the whole organisation (asked of access.py, by id)."""
    return reaches_whole_organisation(user, Organisation(pk=organisation_id))


# --- Figures ----------------------------------------------------------------------------------


def _rows_from_series(cells: dict[str, list]) -> dict[date, tuple]:
    return {date.fromisoformat(iso): (c[0], c[1], c[2], c[3]) for iso, c in (cells or {}).items()}


def scope_months(cells: dict[str, list], today: date) -> list:
    return classify_months(
        _rows_from_series(cells),
        latest_reportable=windows.latest_reportable_month(today),
        threshold=threshold(),
    )


@dataclass
class MeasureFigure:
    measure: Measure
    chart: Any
    months: list  # MonthFigure, complete and incomplete (awaiting left out)
    latest: Any  # the latest complete MonthFigure, or None
    svg: str
    element_id: str
    improving: int = 0
    concern: int = 0
    national_note: str = ""
    table: list[dict] = field(default_factory=list)
    target_text: str = ""
    ward_target: float | None = None

    @property
    def incomplete(self) -> list:
        return [m for m in self.months if m.status == INCOMPLETE]

    @property
    def variation_icon(self) -> str:
        return chart_adapter.variation_icon(self.chart.variation)

    @property
    def assurance_icon(self) -> str:
        return chart_adapter.assurance_icon(self.chart.assurance)


def _value(measure: Measure, num: float, den: float | None) -> float | None:
    if measure.kind == MeasureKind.COUNT:
        return num
    if not den:
        return None
    ratio = num / den
    return (
        ratio * 100
        if measure.kind == MeasureKind.PERCENTAGE
        else ratio * float(measure.multiplier or 1)
    )


def scope_figures(loaded: Loaded, today: date) -> list[MeasureFigure]:
    """Each national measure's chart for a scope above the ward: complete months only."""
    national_level = loaded.level == "programme" and not loaded.filters.active
    scope = chart_adapter.scope(loaded.level, loaded.title, loaded.organisation_id)
    ward_rows = loaded.payload.get("wards", [])
    figures = []
    for measure in national_measures():
        months = scope_months(loaded.payload.get("series", {}).get(str(measure.pk), {}), today)
        shown = [m for m in months if m.status in (COMPLETE, INCOMPLETE)]
        rows = [(m.period, m.numerator, m.denominator) for m in shown if m.included]
        chart = chart_adapter.compute(measure, scope, rows)
        chart.incomplete = [
            chart_adapter.IncompletePoint(m.period, value, m.label, m.coverage)
            for m in shown
            if not m.included and (value := _value(measure, m.numerator, m.denominator)) is not None
        ]
        element_id = f"chart-{measure.code or measure.pk}"
        complete = [m for m in shown if m.included]
        figure = MeasureFigure(
            measure=measure,
            chart=chart,
            months=shown,
            latest=complete[-1] if complete else None,
            svg=chart_adapter.svg(
                chart, element_id=element_id, describedby=f"{element_id}-summary"
            ),
            element_id=element_id,
        )
        for row in ward_rows:
            variation = (row.get("icons") or {}).get(str(measure.pk), {}).get("variation") or ""
            figure.improving += variation.startswith("improvement")
            figure.concern += variation.startswith("concern")
        by_period = {p.period: p for p in chart.points}
        for m in shown:
            point = by_period.get(m.period)
            figure.table.append(
                {
                    "label": m.label,
                    "status": m.status,
                    "coverage": m.coverage,
                    "numerator": publish.count(m.numerator, national=national_level),
                    "denominator": publish.count(m.denominator, national=national_level)
                    if m.denominator is not None
                    else "",
                    "value": chart.fmt(_value(measure, m.numerator, m.denominator)),
                    "mean": chart.fmt(point.mean) if point else "",
                    "signal": (
                        point.rule_label
                        if point is not None and point.is_signal
                        else ("Not used: too few wards reported" if not m.included else "None")
                    ),
                }
            )
        if measure.target is not None:
            figure.target_text = f"Programme target: {chart.fmt(float(measure.target))}."
        figures.append(figure)
    return figures


def ward_figures(loaded: Loaded, today: date) -> list[MeasureFigure]:
    """The ward's own charts (its months as entered) beside the national rate for its type."""
    payload = loaded.payload
    scope = chart_adapter.scope("ward", payload["name"], payload["organisation_id"])
    by_type = loaded.national.get("by_service_type", {}).get(payload["service_type"], {})
    figures = []
    for measure in national_measures():
        key = str(measure.pk)
        rows = [(date.fromisoformat(p), n, d) for p, n, d in payload.get("series", {}).get(key, [])]
        item = payload.get("chart_settings", {}).get(key, {})
        chart = chart_adapter.compute(
            measure,
            scope,
            rows,
            fix_after=item.get("fix_after"),
            screen_outliers=item.get("screen", True),
            rebases=[(date.fromisoformat(d), r) for d, r in item.get("rebases", [])],
            trajectory=item.get("trajectory", []),
            target=item.get("target"),
        )
        element_id = f"chart-{measure.code or measure.pk}"
        national = [m for m in scope_months(by_type.get(key, {}), today) if m.included]
        note = ""
        if national:
            last = national[-1]
            value = _value(measure, last.numerator, last.denominator)
            note = (
                f"Wards providing {payload['service_type_name'].lower()} nationally: "
                f"{chart.fmt(value)} {chart.unit} in {last.label} ({last.coverage})."
            ).replace("  ", " ")
        figure = MeasureFigure(
            measure=measure,
            chart=chart,
            months=[],
            latest=None,
            svg=chart_adapter.svg(
                chart, element_id=element_id, describedby=f"{element_id}-summary"
            ),
            element_id=element_id,
            national_note=note,
            ward_target=item.get("target"),
        )
        if item.get("target") is not None:
            source = f" {item['target_note']}." if item.get("target_note") else ""
            figure.target_text = f"The ward's own target: {chart.fmt(item['target'])}.{source}"
        elif measure.target is not None:
            figure.target_text = f"Programme target: {chart.fmt(float(measure.target))}."
        for row in chart_adapter.table_rows(chart):
            figure.table.append(
                {
                    "label": row["label"],
                    "status": COMPLETE,
                    "coverage": "",
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "value": row["value"],
                    "mean": row["mean"],
                    "signal": row["signal"],
                }
            )
        figures.append(figure)
    return figures


# --- Ward table, funnel, activity, currency ---------------------------------------------------

SORTS = ("ward", "organisation", "service", "progress", "reported", "contact", "rate")


def _rate_measure(measures: list[Measure]) -> Measure | None:
    for code in ("rp_all",):
        for m in measures:
            if m.code == code:
                return m
    return next((m for m in measures if m.uses_bed_days), None)


def ward_table(
    loaded: Loaded,
    measures: list[Measure],
    sort: str = "ward",
    descending: bool = False,
    *,
    details: bool = True,
) -> list[dict]:
    """One row per ward: icons per measure, progress, last month reported, last contact.

    With ``details=False`` the rows carry only what sorting needs; ``ward_table_details`` then
    adds the icons, labels and link to the rows actually shown (one page of a national table
    of thousands of wards, issue 18).
    """
    rate_measure = _rate_measure(measures)
    rows = []
    for w in loaded.payload.get("wards", []):
        rate_text, rate_value = "", None
        if rate_measure is not None:
            pooled = (w.get("funnel") or {}).get(str(rate_measure.pk))
            if pooled and pooled[1]:
                if publish.rate_hidden(pooled[0], pooled[1], bed_days=True):
                    rate_text = publish.SUPPRESSED
                else:
                    rate_value = pooled[0] / pooled[1] * float(rate_measure.multiplier or 1)
                    rate_text = f"{rate_value:,.2f}"
        progress = w.get("progress") or {}
        rows.append(
            {
                **w,
                "status_label": STATUS_NAMES.get(w.get("status"), w.get("status")),
                "rate": rate_text,
                "rate_value": rate_value,
                "coach_score": progress.get("coach"),
                "team_score": progress.get("team"),
            }
        )
    keys = {
        "ward": lambda r: r["name"].lower(),
        "organisation": lambda r: (r["organisation"].lower(), r["name"].lower()),
        "service": lambda r: (r["service_type_name"], r["name"].lower()),
        "progress": lambda r: (r["coach_score"] is None, r["coach_score"] or 0),
        "reported": lambda r: r.get("last_reported") or "",
        "contact": lambda r: r.get("last_contact") or "",
        "rate": lambda r: (r["rate_value"] is None, r["rate_value"] or 0),
    }
    rows.sort(key=keys.get(sort, keys["ward"]), reverse=descending)
    if details:
        ward_table_details(rows, measures)
    return rows


def ward_table_details(rows: list[dict], measures: list[Measure]) -> None:
    """Add each row's icons per measure, its labels and its link (in place)."""
    for row in rows:
        icons, cells = [], []
        for m in measures:
            item = (row.get("icons") or {}).get(str(m.pk), {})
            variation, assurance = item.get("variation"), item.get("assurance")
            v_text = chart_adapter.VARIATION_SHORT.get(variation or "", "No data")
            a_text = chart_adapter.ASSURANCE_SHORT.get(assurance or "", "No target")
            icons.append({"measure": m, "variation_text": v_text, "assurance_text": a_text})
            cells.append(
                '<td class="nhsuk-table__cell"><span class="app-icon-cell">'
                f"{chart_adapter.icon_use('variation', variation)}<span>{escape(v_text)}</span>"
                f"{chart_adapter.icon_use('assurance', assurance)}<span>{escape(a_text)}</span>"
                "</span></td>"
            )
        row["icon_cells"] = icons
        # Built here, not in a template loop: a national table has thousands of cells.
        row["icon_html"] = mark_safe("".join(cells))  # noqa: S308 - escaped text, constants
        row["last_reported_label"] = (
            windows.month_label(date.fromisoformat(row["last_reported"]))
            if row.get("last_reported")
            else "Nothing yet"
        )
        row["last_contact_label"] = (
            date.fromisoformat(row["last_contact"]).strftime("%-d %b %Y")
            if row.get("last_contact")
            else "None recorded"
        )
        row["url"] = reverse("dashboards:ward", args=[row["id"]])


@dataclass
class FunnelPoint:
    name: str
    organisation: str
    exposure: float
    rate: float
    position: str
    url: str

    @property
    def position_label(self) -> str:
        return funnel.POSITION_LABELS[self.position]


@dataclass
class Funnel:
    measure: Measure | None
    national_rate: float | None
    points: list[FunnelPoint]
    hidden: int
    first: str
    last: str
    curve: list = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(p.position for p in self.points)
        return {label: c.get(key, 0) for key, label in funnel.POSITION_LABELS.items()}


def funnel_for(loaded: Loaded, measures: list[Measure]) -> Funnel:
    """Restrictive practice per 1,000 occupied bed days against bed days, pooled over 12 months,
    with limits from the national rate. Wards whose figures are too small to show are counted,
    not drawn."""
    measure = _rate_measure(measures)
    to = loaded.national.get("funnel_to") or loaded.payload.get("funnel_to")
    last = date.fromisoformat(to) if to else None
    first = windows.add_months(last, -11) if last else None
    empty = Funnel(measure, None, [], 0, "", "")
    if measure is None or last is None:
        return empty
    totals = loaded.national.get("funnel_totals", {}).get(str(measure.pk))
    multiplier = float(measure.multiplier or 1000)
    if not totals or not totals[1]:
        return empty
    rate = totals[0] / totals[1] * multiplier
    points, hidden = [], 0
    for w in loaded.payload.get("wards", []):
        if w.get("status") == WardStatus.WITHDRAWN:
            continue
        pooled = (w.get("funnel") or {}).get(str(measure.pk))
        if not pooled or not pooled[1]:
            continue
        if publish.rate_hidden(pooled[0], pooled[1], bed_days=True):
            hidden += 1
            continue
        value = pooled[0] / pooled[1] * multiplier
        limits = funnel.limits_at(rate, pooled[1], multiplier=multiplier)
        points.append(
            FunnelPoint(
                w["name"],
                w["organisation"],
                pooled[1],
                value,
                funnel.position(value, limits),
                reverse("dashboards:ward", args=[w["id"]]),
            )
        )
    result = Funnel(
        measure,
        rate,
        sorted(points, key=lambda p: p.name.lower()),
        hidden,
        windows.month_label(first),
        windows.month_label(last),
    )
    if points:
        low = max(50.0, min(p.exposure for p in points) * 0.8)
        high = max(p.exposure for p in points) * 1.1
        result.curve = funnel.curve(rate, low, high, points=30, multiplier=multiplier)
    return result


def data_currency(loaded: Loaded, today: date) -> tuple[str, list[dict]]:
    """Wards expected to have reported the last closed month that have not."""
    month = windows.last_closed_month(today)
    iso = month.isoformat()
    missing = []
    for w in loaded.payload.get("wards", []) if loaded.level != "ward" else [loaded.payload]:
        if w.get("status") == WardStatus.WITHDRAWN or not w.get("expected_from"):
            continue
        if w["expected_from"] > iso:
            continue
        if (w.get("last_reported") or "") >= iso:
            continue
        missing.append(
            {
                "id": w["id"],
                "name": w["name"],
                "organisation": w["organisation"],
                "coach": w.get("coach") or "No coach named",
                "last_reported": windows.month_label(date.fromisoformat(w["last_reported"]))
                if w.get("last_reported")
                else "Nothing yet",
                "url": reverse("dashboards:ward", args=[w["id"]]),
            }
        )
    missing.sort(key=lambda r: (r["organisation"].lower(), r["name"].lower()))
    return windows.month_label(month), missing


def missing_wards_for(user: Any, limit: int = 20) -> tuple[str, list[dict]]:
    """The wards this person reaches that have not reported the last closed month (for the
    coach's and the organisation lead's home page), from the ward snapshots in one query."""
    today = timezone.localdate()
    month = windows.last_closed_month(today)
    iso = month.isoformat()
    missing = []
    for payload in _visible(user).filter(kind=SnapshotKind.WARD).values_list("payload", flat=True):
        if payload.get("status") == WardStatus.WITHDRAWN or not payload.get("expected_from"):
            continue
        if payload["expected_from"] <= iso and (payload.get("last_reported") or "") < iso:
            missing.append(
                {
                    "name": payload["name"],
                    "organisation": payload["organisation"],
                    "url": reverse("dashboards:ward", args=[payload["id"]]),
                }
            )
    missing.sort(key=lambda r: (r["organisation"].lower(), r["name"].lower()))
    return windows.month_label(month), missing[:limit]


def reach_figures(loaded: Loaded) -> dict[str, Any]:
    wards = loaded.payload.get("wards", [])
    statuses = Counter(w.get("status") for w in wards)
    orgs = loaded.payload.get("organisations", [])
    executives = sum(o.get("executives", 0) for o in orgs)
    coached = sum(o.get("executives_coached", 0) for o in orgs)
    return {
        "organisations": len({w["organisation_id"] for w in wards}) or len(orgs),
        "wards": len(wards),
        "by_status": [(STATUS_NAMES[s], statuses.get(s, 0)) for s in STATUS_NAMES],
        # DOMAIN.md: no figure about executives with fewer than 5 people behind it.
        "executives_shown": publish.people_shown(executives, coached),
        "executives": executives,
        "executives_coached": coached,
    }


def activity_figures(loaded: Loaded, today: date) -> dict[str, Any]:
    """PDSA cycles started and completed per month (a run chart), decisions, co-production."""
    months_raw = loaded.payload.get("pdsa_months", {})
    last = windows.last_closed_month(today)
    months = [windows.add_months(last, -i) for i in range(ACTIVITY_MONTHS - 1, -1, -1)]
    rows = []
    for m in months:
        started, completed = months_raw.get(m.isoformat(), [0, 0])
        rows.append({"label": windows.month_label(m), "started": started, "completed": completed})
    measure = chart_adapter.count_run_chart_measure("PDSA cycles started")
    chart = chart_adapter.compute(
        measure,
        chart_adapter.scope(loaded.level, loaded.title, loaded.organisation_id),
        [(m, float(r["started"]), None) for m, r in zip(months, rows, strict=True)],
    )
    decisions = loaded.payload.get("decisions", {})
    cycles = loaded.payload.get("cycles", 0)
    co = loaded.payload.get("co_produced", 0)
    return {
        "rows": rows,
        "chart": chart,
        "svg": chart_adapter.svg(chart, element_id="chart-pdsa", describedby="chart-pdsa-summary"),
        "adopt": decisions.get("adopt", 0),
        "adapt": decisions.get("adapt", 0),
        "abandon": decisions.get("abandon", 0),
        "cycles": cycles,
        "co_produced": co,
        "co_produced_share": f"{co / cycles:.0%}" if cycles else "",
    }


def progress_figures(loaded: Loaded, today: date) -> dict[str, Any]:
    """Progress scores now (coach and team side by side) and the monthly averages over time."""
    wards = loaded.payload.get("wards", [])
    coach = Counter((w.get("progress") or {}).get("coach") for w in wards)
    team = Counter((w.get("progress") or {}).get("team") for w in wards)
    distribution = []
    for value, label in SCORE_CHOICES:
        v = float(value)
        distribution.append({"label": label, "coach": coach.get(v, 0), "team": team.get(v, 0)})
    history = loaded.payload.get("progress_history", {})
    last = windows.last_closed_month(today)
    over_time = []
    for i in range(ACTIVITY_MONTHS - 1, -1, -1):
        m = windows.add_months(last, -i)
        item = history.get(m.isoformat(), {})
        over_time.append(
            {
                "label": windows.month_label(m),
                "coach": f"{item['coach']:.1f}" if item.get("coach") is not None else "",
                "team": f"{item['team']:.1f}" if item.get("team") is not None else "",
            }
        )
    return {
        "distribution": distribution,
        "not_scored": coach.get(None, 0),
        "over_time": over_time,
    }


def coaching_figures(loaded: Loaded, today: date) -> dict[str, Any]:
    started = [
        w
        for w in loaded.payload.get("wards", [])
        if w.get("status") != WardStatus.WITHDRAWN
        and w.get("expected_from")
        and (w.get("coaching_start") or w["expected_from"]) <= today.isoformat()
    ]
    cutoff = (today - NO_CONTACT_AFTER).isoformat()
    recent = [w for w in started if (w.get("last_contact") or "") >= cutoff]
    return {"wards": len(started), "recent": len(recent), "weeks": NO_CONTACT_AFTER.days // 7}


def risk_figures(loaded: Loaded) -> list[dict[str, Any]]:
    by_cohort: dict[str, list[dict]] = defaultdict(list)
    for org in loaded.payload.get("organisations", []):
        by_cohort[org.get("risk_cohort") or Cohort.NOT_YET].append(org)
    rows = []
    for code, label in Cohort.choices:
        orgs = by_cohort.get(code, [])
        done = sum(o.get("risk_milestones_done", 0) for o in orgs)
        total = sum(o.get("risk_milestones_total", 0) for o in orgs)
        rows.append(
            {
                "label": label,
                "organisations": len(orgs),
                "milestones": f"{done:,} of {total:,} done" if total else "None recorded",
            }
        )
    return rows


def drill_down(loaded: Loaded) -> list[dict[str, Any]]:
    """The next level down: regions of the nation, organisations of a region."""
    wards = loaded.payload.get("wards", [])
    if loaded.level == "programme":
        counts = Counter(w["region"] for w in wards)
        return [
            {
                "name": name,
                "wards": counts.get(code, 0),
                "url": reverse("dashboards:region", args=[code]),
            }
            for code, name in Region.choices
        ]
    if loaded.level == "region":
        counts = Counter((w["ods"], w["organisation"]) for w in wards)
        return [
            {
                "name": name,
                "wards": n,
                "url": reverse("dashboards:organisation", args=[ods]),
            }
            for (ods, name), n in sorted(counts.items(), key=lambda kv: kv[0][1].lower())
        ]
    return []


def cohort_options(loaded: Loaded) -> list[tuple[str, str]]:
    codes = {w.get("cohort") for w in loaded.payload.get("wards", []) if w.get("cohort")}
    if loaded.filters.cohort:
        codes.add(loaded.filters.cohort)
    return [(c, cohort_label(c)) for c in sorted(codes)]
