"""Chart pages: a measure's SPC chart for a ward or an organisation, the MDC summary tables,
and signals to review. Views resolve the place (ward or organisation) through the access layer,
call one selector or service of the charts package and render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from culture_of_care.access import (
    Domain,
    ensure_editable,
    get_visible_or_404,
    may_change_in,
    reaches_whole_organisation,
)
from culture_of_care.improvement.charts import labels, selectors, services
from culture_of_care.improvement.charts.compute import chart_type_for
from culture_of_care.improvement.charts.forms import (
    ChartSettingsForm,
    PointNoteForm,
    RebaseForm,
    SignalReviewForm,
)
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.charts.summary import table_rows
from culture_of_care.improvement.charts.svg import chart_svg
from culture_of_care.improvement.models import (
    ChartSettings,
    Measure,
    PDSACycle,
    Rebase,
    Signal,
)
from organisations.models import Organisation
from wards.models import Ward

# The summary's columns in order: the Making Data Count icons come straight after the measure,
# so a phone shows them without scrolling (templates/charts/summary_table.html).
SORTABLE = [
    ("measure", "Measure"),
    ("variation", "Variation"),
    ("assurance", "Assurance"),
    ("latest", "Latest"),
    ("mean", "Mean"),
]


@dataclass
class Place:
    """Where a chart belongs: a ward, an organisation (its wards summed) or the programme."""

    kind: str
    key: Any
    scope: Scope
    obj: Any
    can_edit: bool
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)
    caption: str = ""
    data_url: str = ""  # where this place's data is entered (none for the programme)

    def url(self, name: str, measure: Measure | None = None) -> str:
        if self.kind == "programme":
            if name == "summary":
                return reverse("reporting:programme_summary")
            if name == "chart" and measure is not None:
                return reverse("reporting:programme_chart", args=[measure.pk])
            return ""
        args = [self.key] + ([measure.pk] if measure is not None else [])
        return reverse(f"charts:{self.kind}_{name}", args=args)

    @property
    def summary_url(self) -> str:
        return self.url("summary")

    @property
    def signals_url(self) -> str:
        return "" if self.kind == "programme" else self.url("signals")


def ward_place(request: HttpRequest, key: int) -> Place:
    ward = get_visible_or_404(Ward.objects.select_related("organisation"), request.user, pk=key)
    return Place(
        kind="ward",
        key=ward.pk,
        scope=Scope.for_ward(ward),
        obj=ward,
        can_edit=may_change_in(ward, request.user, Domain.QI),
        breadcrumbs=[
            ("Wards", reverse("wards:list")),
            (ward.name, reverse("wards:detail", args=[ward.pk])),
        ],
        caption=f"{ward.name}, {ward.organisation.name}",
        data_url=reverse("improvement:ward_data", args=[ward.pk]),
    )


def organisation_place(request: HttpRequest, key: str) -> Place:
    organisation = get_visible_or_404(Organisation, request.user, ods_code=str(key).upper())
    if not reaches_whole_organisation(request.user, organisation):
        # Reached only through one ward: the organisation's totals include wards they cannot see.
        raise PermissionDenied(
            "Organisation charts are for people who work across the organisation."
        )
    return Place(
        kind="organisation",
        key=organisation.ods_code,
        scope=Scope.for_organisation(organisation),
        obj=organisation,
        can_edit=may_change_in(organisation, request.user, Domain.QI),
        breadcrumbs=[
            ("Organisations", reverse("organisations:list")),
            (organisation.name, reverse("organisations:detail", args=[organisation.ods_code])),
        ],
        caption=f"{organisation.name}: all wards",
        data_url=reverse("improvement:upload", args=[organisation.ods_code]),
    )


def place_for(request: HttpRequest, kind: str, key: Any) -> Place:
    return ward_place(request, key) if kind == "ward" else organisation_place(request, key)


def measure_for(request: HttpRequest, place: Place, measure_id: int) -> Measure:
    measure = get_visible_or_404(Measure, request.user, pk=measure_id)
    if not selectors.measure_belongs_to(measure, place.scope):
        raise Http404("Not found")
    return measure


def _editable(request: HttpRequest, kind: str, key: Any, measure_id: int) -> tuple[Place, Measure]:
    """The place and measure of a chart the person may change (else 404, or 403)."""
    place = place_for(request, kind, key)
    measure = measure_for(request, place, measure_id)
    if not place.can_edit:
        raise PermissionDenied("You do not have permission to change this chart.")
    return place, measure


def _change_page(
    request: HttpRequest, template: str, place: Place, measure: Measure, **context: Any
) -> HttpResponse:
    """A page that changes a chart: its form or question, with the way back to the chart."""
    return render(
        request,
        template,
        {"place": place, "measure": measure, "chart_url": place.url("chart", measure), **context},
    )


def _changed(request: HttpRequest, place: Place, measure: Measure, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(place.url("chart", measure))


# --- Summary tables ---------------------------------------------------------------------------


def sort_headers(request: HttpRequest, sort: str, descending: bool) -> list[dict[str, str]]:
    headers = []
    for key, label in SORTABLE:
        current = key == sort
        next_dir = "asc" if current and descending else ("desc" if current else "asc")
        headers.append(
            {
                "key": key,
                "label": label,
                "href": "?" + urlencode({"sort": key, "dir": next_dir}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "action": f"sort by {label.lower()}, "
                + ("descending" if next_dir == "desc" else "ascending"),
            }
        )
    return headers


def render_summary(
    request: HttpRequest, place: Place, template: str = "charts/summary.html"
) -> HttpResponse:
    sort = request.GET.get("sort", "measure")
    if sort not in dict(SORTABLE):
        sort = "measure"
    descending = request.GET.get("dir") == "desc"
    rows = selectors.sort_rows(selectors.summary_rows(place.scope), sort, descending)
    return render(
        request,
        template,
        {
            "place": place,
            "rows": [
                {"row": row, "chart": row.chart, "url": place.url("chart", row.measure)}
                for row in rows
            ],
            "headers": sort_headers(request, sort, descending),
            "sort": sort,
            "descending": descending,
        },
    )


@login_required
def summary(request: HttpRequest, kind: str, key: Any) -> HttpResponse:
    return render_summary(request, place_for(request, kind, key))


# --- One chart --------------------------------------------------------------------------------


def render_chart(request: HttpRequest, place: Place, measure: Measure) -> HttpResponse:
    view = "run" if request.GET.get("view") == "run" else ""
    chart = selectors.chart_for(place.scope, measure, view=view)
    signals, rebases = [], []
    if place.scope.stores_settings:
        signals = list(
            selectors.in_scope(Signal.objects.visible_to(request.user), place.scope, measure)
            .filter(reviewed_at__isnull=True)
            .order_by("period_start")
        )
        rebases = list(
            selectors.in_scope(
                Rebase.objects.visible_to(request.user), place.scope, measure
            ).select_related("recorded_by")
        )
    base_url = place.url("chart", measure)
    own = place.scope.stores_settings
    return render(
        request,
        "charts/chart.html",
        {
            "place": place,
            "measure": measure,
            "chart": chart,
            "svg": chart_svg(chart, element_id="spc-chart", describedby="chart-summary"),
            "table": table_rows(chart),
            "equity": selectors.equity_view(place.scope, measure),
            "signals": signals,
            "rebases": rebases,
            "view": view,
            "standard_url": base_url,
            "run_url": base_url + "?view=run",
            "standard_name": labels.CHART_NAMES[chart_type_for(measure)],
            "period_word": labels.units(measure.frequency, 1),
            "note_url": place.url("note", measure) if own else "",
            "rebase_url": place.url("rebase", measure) if own else "",
            "settings_url": place.url("settings", measure) if own else "",
        },
    )


@login_required
def chart(request: HttpRequest, kind: str, key: Any, measure_id: int) -> HttpResponse:
    place = place_for(request, kind, key)
    return render_chart(request, place, measure_for(request, place, measure_id))


# --- Changing a chart -------------------------------------------------------------------------


@login_required
def rebase(request: HttpRequest, kind: str, key: Any, measure_id: int) -> HttpResponse:
    place, measure = _editable(request, kind, key, measure_id)
    chart_data = selectors.chart_for(place.scope, measure, with_annotations=False)
    existing = set(
        selectors.in_scope(
            Rebase.objects.visible_to(request.user), place.scope, measure
        ).values_list("period_start", flat=True)
    )
    form = RebaseForm(request.POST or None, chart=chart_data, existing=existing)
    if request.method == "POST" and form.is_valid():
        services.chart_rebase_add(
            actor=request.user,
            scope=place.scope,
            measure=measure,
            period_start=form.cleaned_data["period_start"],
            reason=form.cleaned_data["reason"],
        )
        return _changed(
            request,
            place,
            measure,
            f"The limits are recalculated from {form.cleaned_data['period_start']:%B %Y}.",
        )
    return _change_page(request, "charts/rebase.html", place, measure, form=form, chart=chart_data)


@login_required
def rebase_remove(
    request: HttpRequest, kind: str, key: Any, measure_id: int, pk: int
) -> HttpResponse:
    place, measure = _editable(request, kind, key, measure_id)
    item = get_visible_or_404(
        selectors.in_scope(Rebase.objects, place.scope, measure), request.user, pk=pk
    )
    if request.method == "POST":
        services.chart_rebase_remove(actor=request.user, rebase=item)
        return _changed(
            request, place, measure, f"The rebase from {item.period_start:%B %Y} is removed."
        )
    return _change_page(request, "charts/rebase_remove.html", place, measure, rebase=item)


@login_required
def chart_settings(request: HttpRequest, kind: str, key: Any, measure_id: int) -> HttpResponse:
    place, measure = _editable(request, kind, key, measure_id)
    current = selectors.in_scope(
        ChartSettings.objects.visible_to(request.user), place.scope, measure
    ).first()
    initial = {
        "fix_after": current.fix_after if current else None,
        "screen_outliers": current.screen_outliers if current else True,
        "trajectory": ChartSettingsForm.trajectory_text(current.trajectory if current else []),
    }
    form = ChartSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.chart_settings_update(
            actor=request.user,
            scope=place.scope,
            measure=measure,
            fix_after=form.cleaned_data["fix_after"],
            screen_outliers=form.cleaned_data["screen_outliers"],
            trajectory=form.cleaned_data["trajectory"],
        )
        return _changed(request, place, measure, "The chart settings are saved.")
    return _change_page(request, "charts/settings.html", place, measure, form=form)


@login_required
def note(request: HttpRequest, kind: str, key: Any, measure_id: int) -> HttpResponse:
    place, measure = _editable(request, kind, key, measure_id)
    chart_data = selectors.chart_for(place.scope, measure, with_annotations=False)
    initial = {"period_start": request.GET.get("period", "")}
    form = PointNoteForm(request.POST or None, chart=chart_data, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.point_note_add(
            actor=request.user,
            scope=place.scope,
            measure=measure,
            period_start=form.cleaned_data["period_start"],
            text=form.cleaned_data["text"],
        )
        return _changed(request, place, measure, "The note is added to the chart.")
    return _change_page(request, "charts/note.html", place, measure, form=form)


# --- Signals ----------------------------------------------------------------------------------


def _signal_where(signal: Signal) -> tuple[str, str]:
    """Where a signal is (for people) and the URL of its chart."""
    if signal.ward_id:
        where = signal.ward.name
        url = reverse("charts:ward_chart", args=[signal.ward_id, signal.measure_id])
    else:
        where = f"{signal.organisation.name} (all wards)"
        url = reverse(
            "charts:organisation_chart", args=[signal.organisation.ods_code, signal.measure_id]
        )
    return where, url


def _ward_labels(signals: list[Signal]) -> dict[int, str]:
    """Each ward's name, with its organisation beside it where another ward has the same name."""
    names: dict[str, set[int]] = {}
    for s in signals:
        if s.ward_id:
            names.setdefault(s.ward.name.casefold(), set()).add(s.ward_id)
    return {
        s.ward_id: (
            f"{s.ward.name} ({s.organisation.name})"
            if len(names[s.ward.name.casefold()]) > 1
            else s.ward.name
        )
        for s in signals
        if s.ward_id
    }


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _signal_list(request: HttpRequest, signals: Any, **context: Any) -> HttpResponse:
    """One row per run of special cause (a shift of 7 is one row), newest first, filtered by
    ward and measure."""
    every = Signal.objects.visible_to(request.user)
    options = list(signals.select_related("measure", "ward", "organisation"))
    ward_labels = _ward_labels(options)
    ward_id, measure_id = _int_param(request, "ward"), _int_param(request, "measure")
    wards = sorted(
        {(s.ward_id, ward_labels[s.ward_id]) for s in options if s.ward_id},
        key=lambda w: w[1].casefold(),
    )
    measures = sorted(
        {(s.measure_id, s.measure.name, s.measure.order) for s in options},
        key=lambda m: (m[2], m[1]),
    )
    if ward_id in {w for w, _label in wards}:
        signals = signals.filter(ward_id=ward_id)
    else:
        ward_id = None
    if measure_id in {m for m, _n, _o in measures}:
        signals = signals.filter(measure_id=measure_id)
    else:
        measure_id = None
    runs = selectors.signal_runs(signals, every)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    rows = []
    for run in page:
        signal = run.latest
        where, chart_url = _signal_where(signal)
        if signal.ward_id:
            where = ward_labels.get(signal.ward_id, where)
        frequency = signal.measure.frequency
        latest = labels.period_label(signal.period_start, frequency)
        first = labels.period_label(run.first.period_start, frequency)
        rows.append(
            {
                "signal": signal,
                "where": where,
                "period": latest if len(run) == 1 else f"{first} to {latest}",
                "points": len(run),
                "rule": labels.rule_label(signal.rule),
                "chart_url": chart_url,
                "review_url": reverse("charts:signal_review", args=[signal.pk]),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "charts/signals.html",
        {
            "page": page,
            "rows": rows,
            "wards": [(w, label) for w, label in wards],
            "measures": [(m, name) for m, name, _o in measures],
            "ward_id": ward_id,
            "measure_id": measure_id,
            "filtered": bool(ward_id or measure_id),
            "query": query.urlencode(),
            **context,
        },
    )


@login_required
def signals(request: HttpRequest, kind: str, key: Any) -> HttpResponse:
    place = place_for(request, kind, key)
    qs = Signal.objects.visible_to(request.user).filter(reviewed_at__isnull=True)
    if place.kind == "ward":
        qs = qs.filter(ward_id=place.obj.pk)
    else:
        qs = qs.filter(organisation_id=place.obj.pk)  # its own signals and its wards'
    return _signal_list(request, qs, place=place, heading=f"Signals to review: {place.obj.name}")


@login_required
def my_signals(request: HttpRequest) -> HttpResponse:
    """Every unreviewed signal the person reaches: a coach's wards, an organisation lead's wards."""
    qs = Signal.objects.visible_to(request.user).filter(reviewed_at__isnull=True)
    return _signal_list(request, qs, place=None, heading="Signals to review")


@login_required
def signal_review(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_visible_or_404(
        Signal.objects.select_related("measure", "ward", "organisation"), request.user, pk=pk
    )
    ensure_editable(signal, request.user)
    where, place_url = _signal_where(signal)
    cycles = (
        selectors.in_scope(
            PDSACycle.objects.visible_to(request.user), selectors.scope_of_row(signal)
        )
        .select_related("change_idea")
        .order_by("change_idea__title", "number")
    )
    run = selectors.signal_run(signal)
    form = SignalReviewForm(request.POST or None, cycles=cycles, run_size=len(run))
    if request.method == "POST" and form.is_valid():
        services.signal_review(
            actor=request.user,
            signal=signal,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data.get("text", "").strip(),
            pdsa_cycle=form.cleaned_data.get("pdsa_cycle"),
            whole_run=form.cleaned_data.get("whole_run", False),
        )
        messages.success(
            request, "Thank you: the signal is reviewed and added to the chart as a note."
        )
        return redirect(place_url)
    frequency = signal.measure.frequency
    return render(
        request,
        "charts/review.html",
        {
            "signal": signal,
            "form": form,
            "where": where,
            "chart_url": place_url,
            "period": labels.period_label(signal.period_start, frequency),
            "rule": labels.rule_label(signal.rule),
            "run": [labels.period_label(s.period_start, frequency) for s in run],
        },
    )
