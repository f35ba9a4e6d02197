"""Charts of measures: computing, summaries, signals and the services that change a chart."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement.charts import selectors, services
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.charts.svg import chart_svg, place_markers, variation_icon
from culture_of_care.improvement.models import CauseKind, ChartSettings, PointNote, Rebase, Signal
from culture_of_care.improvement.tests.chart_factories import (
    ChangeIdeaFactory,
    MeasureFactory,
    PDSACycleFactory,
    ProjectFactory,
    add_series,
    month,
)

# 17 months around 20 per 1,000 bed days, then 7 months lower: a shift of 7 below the mean.
BASE = [12, 15, 10, 13, 16, 11, 12, 14, 9, 13, 15, 11, 12, 14, 10, 13, 12]
SHIFT = [10, 9, 11, 10, 9, 10, 10]

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    return MeasureFactory(name="Restraint per 1,000 bed days", target=Decimal("12"))


def test_shift_below_gives_improvement_icon_and_plain_summary(measure, ward):
    add_series(measure, ward, BASE + SHIFT)
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.variation == "improvement_low"
    assert chart.variation_letter == "L"
    assert chart.summary.startswith(
        "The last 7 months are below the average since January 2024: special cause improvement."
    )
    assert [p.is_signal for p in chart.points] == [False] * 17 + [True] * 7
    # Target 12 is below the lower limit (about 8.7)? No: inside the limits, so hit and miss.
    assert chart.assurance == "inconsistent"
    assert chart.assurance_letter == "?"
    assert "hit and miss" in chart.summary


def test_shift_summary_counts_the_whole_run_even_across_a_2_in_3(measure, ward):
    # Two months close to the lower limit inside the shift are labelled "2 in 3" by the
    # MDC precedence; the run the summary reads out is still all eight months below.
    add_series(measure, ward, BASE + [10, 9, 6.5, 6.5, 10, 9, 10, 11])
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.summary.startswith("The last 8 months are below the average since January 2024")


def test_common_cause_summary_names_the_latest_month(measure, ward):
    add_series(measure, ward, BASE)
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.variation == "common_cause"
    assert chart.summary.startswith(
        "The latest month (May 2025, 20.00) shows no special cause: common cause variation since "
        "January 2024."
    )


def test_astronomical_point_summary(ward):
    measure = MeasureFactory(improvement="decrease")
    add_series(measure, ward, BASE + [40])
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.variation == "concern_high"
    assert chart.variation_letter == "H"
    assert "is above the upper limit: special cause concern." in chart.summary


def test_provisional_limits_warning_under_twelve_points(measure, ward):
    add_series(measure, ward, BASE[:8], start=date(2025, 3, 1))
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.warnings == ["Limits are provisional: fewer than 12 points since March 2025."]


def test_rebase_starts_a_new_period_with_its_own_limits_and_a_warning(measure, ward, ward_member):
    add_series(measure, ward, BASE + SHIFT)
    scope = Scope.for_ward(ward)
    services.chart_rebase_add(
        actor=ward_member,
        scope=scope,
        measure=measure,
        period_start=month(17),
        reason="Adopted the community meeting on every shift",
    )
    chart = selectors.chart_for(scope, measure)
    assert len(chart.groups) == 2
    assert chart.groups[1].start == month(17)
    assert chart.points[-1].mean == pytest.approx(sum(SHIFT) / 7 / 600 * 1000)
    assert "Limits are provisional: fewer than 12 points since June 2025." in chart.warnings
    assert any(a.kind == "rebase" for a in chart.annotations)
    entry = AuditEntry.objects.get(action="chart.rebase")
    assert entry.actor == ward_member and entry.organisation_id == ward.organisation_id
    # The shift is gone once the new period has its own mean: the signals are withdrawn.
    assert not Signal.objects.filter(ward=ward, reviewed_at__isnull=True).exists()


def test_frozen_baseline_judges_later_points_against_it(measure, ward, ward_member):
    add_series(measure, ward, BASE + SHIFT)
    scope = Scope.for_ward(ward)
    services.chart_settings_update(
        actor=ward_member,
        scope=scope,
        measure=measure,
        fix_after=12,
        screen_outliers=True,
        trajectory=[{"period": "2025-06-01", "value": 15.0}],
    )
    chart = selectors.chart_for(scope, measure)
    baseline = [n / 600 * 1000 for n in BASE[:12]]
    assert chart.points[-1].mean == pytest.approx(sum(baseline) / 12)
    assert chart.fix_after == 12
    assert chart.trajectory == [(date(2025, 6, 1), 15.0)]
    assert ChartSettings.objects.get(ward=ward, measure=measure).updated_by == ward_member
    with pytest.raises(ValueError, match="at least 12"):
        services.chart_settings_update(
            actor=ward_member,
            scope=scope,
            measure=measure,
            fix_after=6,
            screen_outliers=True,
            trajectory=[],
        )


def test_u_chart_limits_vary_with_the_denominator(ward):
    measure = MeasureFactory(chart_type="u")
    add_series(measure, ward, [10, 12, 8, 11], denominators=[500, 600, 400, 1000])
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.chart_type == "u"
    widths = [p.upper_limit - p.mean for p in chart.points]
    assert widths[3] < widths[1] < widths[0] < widths[2]
    u_bar = 41 / 2500
    assert chart.points[0].upper_limit == pytest.approx((u_bar + 3 * (u_bar / 500) ** 0.5) * 1000)


def test_p_chart_for_percentages(ward):
    measure = MeasureFactory(
        kind="percentage", chart_type="p", improvement="increase", multiplier=100
    )
    add_series(measure, ward, [8, 9, 7, 10], denominators=[10, 12, 10, 12])
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.chart_type == "p"
    assert chart.points[0].value == pytest.approx(80.0)
    assert chart.points[0].mean == pytest.approx(34 / 44 * 100)
    assert all(p.upper_limit <= 100 for p in chart.points)


def test_run_chart_on_request(measure, ward):
    add_series(measure, ward, BASE + SHIFT)
    chart = selectors.chart_for(Scope.for_ward(ward), measure, view="run")
    assert chart.chart_type == "run"
    # Median of the 24 values: numerators 11 and 12 sit in the middle, so 11.5 / 600 x 1,000.
    assert chart.points[0].mean == pytest.approx(11.5 / 600 * 1000)
    assert chart.centre_name == "Median"
    assert chart.runs["useful"] == 24  # no value lies exactly on the median
    assert chart.summary.startswith("The last 7 months are below the median")


def test_organisation_chart_sums_wards_numerators_and_denominators(measure, ward, org):
    from tests.factories import WardFactory

    second = WardFactory(organisation=org, name="Ash Ward")
    add_series(measure, ward, [10, 20], denominators=[500, 500])
    add_series(measure, second, [5, 5], denominators=[1000, 1500])
    chart = selectors.chart_for(Scope.for_organisation(org), measure)
    assert [p.numerator for p in chart.points] == [15, 25]
    assert [p.denominator for p in chart.points] == [1500, 2000]
    assert chart.points[0].value == pytest.approx(10.0)


def test_pdsa_cycles_and_notes_are_annotations(measure, ward, ward_member):
    project = ProjectFactory(ward=ward)
    idea = ChangeIdeaFactory(project=project, title="A daily community meeting")
    PDSACycleFactory(
        change_idea=idea,
        number=1,
        started_on=date(2024, 6, 3),
        decided_on=date(2024, 8, 20),
        decision="adopt",
    )
    add_series(measure, ward, BASE)
    scope = Scope.for_ward(ward)
    services.point_note_add(
        actor=ward_member,
        scope=scope,
        measure=measure,
        period_start=month(3),
        text="Two agency shifts",
    )
    chart = selectors.chart_for(scope, measure)
    kinds = [(a.kind, a.marker) for a in chart.annotations]
    assert ("pdsa_start", "C1") in kinds and ("pdsa_decision", "D1") in kinds
    assert "PDSA decision (adopt): A daily community meeting" in chart.annotations[-1].text
    assert chart.points[3].notes[0].text == "Two agency shifts"
    svg = str(chart_svg(chart, describedby="chart-summary"))
    assert 'role="img"' in svg and 'aria-describedby="chart-summary"' in svg
    assert "<title" in svg and "<desc" in svg and ">C1<" in svg and ">N1<" in svg


def test_summary_rows_and_sorting(ward):
    a = MeasureFactory(name="Alpha", improvement="decrease")
    b = MeasureFactory(name="Beta", improvement="decrease")
    MeasureFactory(name="Gamma (no data)")
    add_series(a, ward, BASE + SHIFT)
    add_series(b, ward, BASE + [40])
    rows = selectors.summary_rows(Scope.for_ward(ward), [a, b])
    by_name = {r.measure.name: r for r in rows}
    assert by_name["Alpha"].chart.variation == "improvement_low"
    assert by_name["Beta"].chart.variation == "concern_high"
    ordered = selectors.sort_rows(rows, "variation", descending=False)
    assert [r.measure.name for r in ordered] == ["Beta", "Alpha"]


# --- Signals ---------------------------------------------------------------------------------


def test_signals_refresh_creates_a_signal_per_special_cause_and_is_idempotent(measure, ward):
    add_series(measure, ward, BASE)
    args = {
        "organisation_id": ward.organisation_id,
        "ward_id": ward.pk,
        "measure_ids": [measure.pk],
    }
    assert services.signals_refresh(**args) == 0
    add_series(measure, ward, SHIFT, start=month(17))
    created = services.signals_refresh(**args)
    ward_signals = Signal.objects.filter(ward=ward)
    assert ward_signals.count() == 7
    assert created >= 7  # the organisation's series (this one ward) signals too
    assert set(ward_signals.values_list("special_cause", flat=True)) == {"improvement"}
    assert services.signals_refresh(**args) == 0
    assert Signal.objects.filter(ward=ward).count() == 7


def test_reviewing_a_signal_clears_the_whole_run(measure, ward, ward_member):
    add_series(measure, ward, BASE + SHIFT)
    services.signals_refresh(
        organisation_id=ward.organisation_id, ward_id=ward.pk, measure_ids=[measure.pk]
    )
    signal = Signal.objects.filter(ward=ward).order_by("period_start").first()
    note = services.signal_review(
        actor=ward_member, signal=signal, kind=CauseKind.NO_KNOWN_CAUSE, whole_run=True
    )
    assert note.kind == CauseKind.NO_KNOWN_CAUSE and note.period_start == signal.period_start
    assert not Signal.objects.filter(ward=ward, reviewed_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="signal.review").count() == 1
    # Reviewed signals stay reviewed when data is refreshed again.
    services.signals_refresh(
        organisation_id=ward.organisation_id, ward_id=ward.pk, measure_ids=[measure.pk]
    )
    assert not Signal.objects.filter(ward=ward, reviewed_at__isnull=True).exists()


def test_review_linked_to_a_pdsa_cycle_only_that_point(measure, ward, ward_member):
    add_series(measure, ward, BASE + SHIFT)
    services.signals_refresh(
        organisation_id=ward.organisation_id, ward_id=ward.pk, measure_ids=[measure.pk]
    )
    cycle = PDSACycleFactory(change_idea=ChangeIdeaFactory(project=ProjectFactory(ward=ward)))
    signal = Signal.objects.filter(ward=ward).order_by("period_start").last()
    services.signal_review(
        actor=ward_member, signal=signal, kind=CauseKind.PDSA, pdsa_cycle=cycle, whole_run=False
    )
    assert Signal.objects.filter(ward=ward, reviewed_at__isnull=True).count() == 6
    assert PointNote.objects.get(ward=ward).pdsa_cycle == cycle
    with pytest.raises(ValueError, match="PDSA cycle"):
        services.signal_review(actor=ward_member, signal=signal, kind=CauseKind.PDSA)


def test_signals_refresh_all_covers_wards_and_organisations(measure, ward, other_ward):
    add_series(measure, ward, BASE + SHIFT)
    add_series(measure, other_ward, BASE)
    created = services.signals_refresh_all()
    assert Signal.objects.filter(ward=ward).count() == 7
    assert Signal.objects.filter(ward__isnull=True, organisation=ward.organisation).count() == 7
    assert not Signal.objects.filter(organisation=other_ward.organisation).exists()
    assert created == 14
    assert services.signals_refresh_all() == 0


def test_rebase_recorded_only_once_per_period(measure, ward, ward_member):
    add_series(measure, ward, BASE)
    scope = Scope.for_ward(ward)
    services.chart_rebase_add(
        actor=ward_member,
        scope=scope,
        measure=measure,
        period_start=month(12),
        reason="New ward layout opened",
    )
    assert Rebase.objects.filter(ward=ward).count() == 1


def test_percentage_limits_are_shown_no_higher_than_100(ward):
    measure = MeasureFactory(kind="percentage", improvement="increase", multiplier=100)
    add_series(measure, ward, [9, 10, 10, 6, 10, 10, 9, 10], denominators=[10] * 8)
    row = selectors.summary_rows(Scope.for_ward(ward), [measure])[0]
    assert row.chart.latest.upper_limit > 100  # the limit itself is not clamped
    assert row.limits.endswith("to 100.0%")
    assert "100.0% around an average" in row.chart.summary


def test_svg_marks_special_causes_by_shape_as_well_as_colour(ward):
    measure = MeasureFactory(improvement="decrease")
    add_series(measure, ward, BASE + [40])
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    svg = str(chart_svg(chart))
    # Concern points are diamonds (a path), common cause points small circles; the legend says so.
    assert 'fill="#e46c0a"' in svg
    assert '<path class="app-spc-point app-spc-point--concern" d="M' in svg
    assert "Special cause: concern" in svg and "Common cause" in svg
    assert str(variation_icon(chart.variation)).count(">H<") == 1
    assert 'aria-hidden="true"' in str(variation_icon(chart.variation))


def test_chart_without_data_says_so(ward):
    measure = MeasureFactory()
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert not chart.has_data
    assert chart.summary == "No data has been entered for this measure yet."
    assert "No data to chart yet" in str(chart_svg(chart))


def test_only_started_cycles_are_marked_at_their_real_start(measure, ward):
    add_series(measure, ward, BASE)
    idea = ChangeIdeaFactory(project=ProjectFactory(ward=ward))
    PDSACycleFactory(change_idea=idea, number=1, planned_start=month(20), title="Planned later")
    PDSACycleFactory(
        change_idea=idea,
        number=2,
        planned_start=month(2),
        started_on=date(2024, 6, 17),
        title="Begun late",
    )
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert [(a.kind, a.period, a.marker) for a in chart.annotations] == [
        ("pdsa_start", date(2024, 6, 17), "C1")
    ]
    assert "Planned later" not in " ".join(a.text for a in chart.annotations)


def test_close_markers_do_not_overprint(measure, ward):
    add_series(measure, ward, BASE)
    idea = ChangeIdeaFactory(project=ProjectFactory(ward=ward))
    for number in range(1, 6):  # five cycles started in the same fortnight
        PDSACycleFactory(change_idea=idea, number=number, started_on=date(2024, 6, number * 2))
    svg = str(chart_svg(selectors.chart_for(Scope.for_ward(ward), measure)))
    texts = re.findall(r'class="app-spc-annotation" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)<', svg)
    assert [t for _x, _y, t in texts] == ["C1", "C2", "+3"]
    positions = [(float(x), float(y)) for x, y, _t in texts]
    for i, (x, y) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            assert abs(x - x2) >= 24 or abs(y - y2) >= 12  # apart across, or on another row
    # Every cycle is still listed in words under the chart.
    assert len(selectors.chart_for(Scope.for_ward(ward), measure).annotations) == 5


def test_place_markers_keeps_far_apart_markers_on_the_first_row():
    placed = place_markers([(100, "C1"), (200, "C2"), (110, "D1"), (300, "C3")])
    assert placed == [(100, 0, "C1"), (110, 1, "D1"), (200, 0, "C2"), (300, 0, "C3")]
