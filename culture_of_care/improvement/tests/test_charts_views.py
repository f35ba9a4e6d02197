"""Chart pages, summary tables and signals to review: each role against its own and another
organisation, the forms that change a chart, and query counts on the summary tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from culture_of_care.improvement.charts import selectors, services
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.models import PointNote, Rebase, Signal
from culture_of_care.improvement.tests.chart_factories import (
    MeasureFactory,
    add_series,
    month,
    signal_for,
)

BASE = [12, 15, 10, 13, 16, 11, 12, 14, 9, 13, 15, 11, 12, 14, 10, 13, 12]
SHIFT = [10, 9, 11, 10, 9, 10, 10]

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(ward):
    measure = MeasureFactory(
        name="Restraint per 1,000 bed days", target=Decimal("12"), disaggregated=True
    )
    add_series(measure, ward, BASE + SHIFT)
    return measure


@pytest.fixture
def signal(measure, ward):
    services.signals_refresh(
        organisation_id=ward.organisation_id, ward_id=ward.pk, measure_ids=[measure.pk]
    )
    return Signal.objects.filter(ward=ward).order_by("period_start").first()


def read_urls(ward, measure):
    ods = ward.organisation.ods_code
    return [
        reverse("charts:ward_summary", args=[ward.pk]),
        reverse("charts:ward_chart", args=[ward.pk, measure.pk]),
        reverse("charts:ward_signals", args=[ward.pk]),
        reverse("charts:organisation_summary", args=[ods]),
        reverse("charts:organisation_chart", args=[ods, measure.pk]),
        reverse("charts:organisation_signals", args=[ods]),
    ]


def write_urls(ward, measure, signal):
    ods = ward.organisation.ods_code
    return [
        reverse("charts:ward_rebase", args=[ward.pk, measure.pk]),
        reverse("charts:ward_settings", args=[ward.pk, measure.pk]),
        reverse("charts:ward_note", args=[ward.pk, measure.pk]),
        reverse("charts:organisation_rebase", args=[ods, measure.pk]),
        reverse("charts:organisation_settings", args=[ods, measure.pk]),
        reverse("charts:organisation_note", args=[ods, measure.pk]),
        reverse("charts:signal_review", args=[signal.pk]),
    ]


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["admin", "programme_lead", "org_lead", "executive", "leadership_coach"]
)
def test_organisation_wide_roles_see_every_chart_page(
    persona, request, client_for, ward, measure, signal
):
    client = client_for(request.getfixturevalue(persona))
    for url in read_urls(ward, measure):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["qi_coach", "ward_member"])
def test_ward_roles_see_ward_pages_but_not_organisation_totals(
    persona, request, client_for, ward, measure, signal
):
    client = client_for(request.getfixturevalue(persona))
    urls = read_urls(ward, measure)
    for url in urls[:3]:
        assert client.get(url).status_code == 200, url
    for url in urls[3:]:
        assert client.get(url).status_code == 403, url


def test_other_organisation_gets_404_everywhere(
    client_for, other_org_member, ward, measure, signal
):
    client = client_for(other_org_member)
    for url in read_urls(ward, measure) + write_urls(ward, measure, signal):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_local_measure_of_another_organisation_is_404(client_for, admin, ward, other_org):
    local = MeasureFactory(organisation=other_org)
    response = client_for(admin).get(reverse("charts:ward_chart", args=[ward.pk, local.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, ward, measure, signal):
    for url in (
        read_urls(ward, measure)
        + write_urls(ward, measure, signal)
        + [
            reverse("charts:my_signals"),
            reverse("reporting:programme_summary"),
        ]
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    "persona", ["programme_lead", "executive", "leadership_coach", "risk_lead"]
)
def test_roles_without_qi_edit_rights_cannot_change_charts(
    persona, request, client_for, ward, measure, signal
):
    client = client_for(request.getfixturevalue(persona))
    for url in write_urls(ward, measure, signal):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x" * 20}).status_code == 403, url
    assert not Rebase.objects.exists()


@pytest.mark.parametrize("persona", ["qi_coach", "ward_member"])
def test_ward_roles_cannot_change_organisation_charts(persona, request, client_for, ward, measure):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("charts:organisation_rebase", args=[ward.organisation.ods_code, measure.pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["org_lead", "qi_coach", "ward_member", "executive"])
def test_programme_summary_is_for_programme_leads_and_admins(persona, request, client_for, measure):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:programme_summary")).status_code == 403
    assert client.get(reverse("reporting:programme_chart", args=[measure.pk])).status_code == 403


# --- What the pages show ---------------------------------------------------------------------


def test_ward_chart_page_shows_icons_summary_table_and_accessible_svg(
    client_for, ward_member, ward, measure
):
    text = (
        client_for(ward_member).get(reverse("charts:ward_chart", args=[ward.pk, measure.pk])).text
    )
    assert 'id="chart-summary"' in text
    assert (
        "The last 7 months are below the average since January 2024: special cause improvement."
        in text
    )
    assert 'role="img"' in text and 'aria-describedby="chart-summary"' in text
    assert "Variation (L):" in text and "Special cause improvement: lower values" in text
    assert "Assurance (?):" in text
    assert "<caption" in text and "Upper limit" in text and "July 2025" in text
    assert "Recalculate the limits (rebase)" in text
    assert "By ethnicity group" in text
    assert "css/charts.css" in text


def test_executive_sees_chart_without_edit_links(client_for, executive, ward, measure):
    text = client_for(executive).get(reverse("charts:ward_chart", args=[ward.pk, measure.pk])).text
    assert "Recalculate the limits (rebase)" not in text


def test_run_chart_view(client_for, ward_member, ward, measure):
    url = reverse("charts:ward_chart", args=[ward.pk, measure.pk]) + "?view=run"
    text = client_for(ward_member).get(url).text
    assert "Run chart (IHI rules)" in text and "Runs test:" in text


def test_equity_view_suppresses_small_counts(client_for, ward_member, ward, measure):
    add_series(measure, ward, [3] * 12, denominators=[100] * 12, start=month(12), group="white")
    add_series(measure, ward, [1] * 12, denominators=[20] * 12, start=month(12), group="black")
    add_series(measure, ward, [0] * 12, denominators=[10] * 12, start=month(12), group="asian")
    text = (
        client_for(ward_member).get(reverse("charts:ward_chart", args=[ward.pk, measure.pk])).text
    )
    assert "Pooled over 12 periods, January 2025 to December 2025" in text
    # White 36 episodes in 1,200 bed days: count rounds to 35, rate 30.00 per 1,000.
    assert ">35<" in text and "30.00" in text
    assert "Reference group" in text


def test_summary_table_is_sortable_without_javascript(client_for, org_lead, ward, measure):
    other = MeasureFactory(name="Another measure")
    add_series(other, ward, BASE + [40])
    url = reverse("charts:ward_summary", args=[ward.pk])
    text = client_for(org_lead).get(url, {"sort": "variation", "dir": "desc"}).text
    assert 'aria-sort="descending"' in text
    assert "?sort=variation&amp;dir=asc" in text
    assert text.index("Restraint per 1,000") < text.index("Another measure")
    ascending = client_for(org_lead).get(url, {"sort": "variation"}).text
    assert ascending.index("Another measure") < ascending.index("Restraint per 1,000")
    assert "Concern (high)" in ascending and "Improvement (low)" in ascending


def test_organisation_chart_sums_its_wards(client_for, org_lead, org, ward, measure):
    text = (
        client_for(org_lead)
        .get(reverse("charts:organisation_chart", args=[org.ods_code, measure.pk]))
        .text
    )
    assert "all wards" in text and "The sum of all its wards" in text


def test_programme_summary_for_programme_lead(client_for, programme_lead, measure):
    response = client_for(programme_lead).get(reverse("reporting:programme_summary"))
    assert response.status_code == 200
    assert "Restraint per 1,000 bed days" in response.text
    chart = client_for(programme_lead).get(reverse("reporting:programme_chart", args=[measure.pk]))
    assert chart.status_code == 200 and "All wards in the programme" in chart.text


# --- Changing a chart ------------------------------------------------------------------------


def test_rebase_needs_a_reason_and_is_recorded(client_for, ward_member, ward, measure):
    client = client_for(ward_member)
    url = reverse("charts:ward_rebase", args=[ward.pk, measure.pk])
    response = client.post(url, {"period_start": month(17).isoformat(), "reason": ""})
    assert response.status_code == 200
    assert "Enter why the process has changed." in response.text
    assert "<title>Error: " in response.text
    response = client.post(
        url,
        {"period_start": month(17).isoformat(), "reason": "Adopted safety huddles on all shifts"},
    )
    assert response.status_code == 302
    rebase = Rebase.objects.get(ward=ward, measure=measure)
    assert rebase.recorded_by == ward_member and rebase.period_start == month(17)
    chart_page = client.get(response["Location"]).text
    assert "Adopted safety huddles on all shifts" in chart_page
    # Once only per period.
    again = client.post(
        url, {"period_start": month(17).isoformat(), "reason": "Adopted safety huddles again"}
    )
    assert "already recalculated" in again.text


def test_organisation_lead_rebases_the_organisation_chart(client_for, org_lead, org, measure):
    url = reverse("charts:organisation_rebase", args=[org.ods_code, measure.pk])
    response = client_for(org_lead).post(
        url, {"period_start": month(12).isoformat(), "reason": "New trust-wide policy in force"}
    )
    assert response.status_code == 302
    assert Rebase.objects.get(organisation=org, ward__isnull=True).recorded_by == org_lead


def test_settings_form_refuses_freezing_on_fewer_than_twelve_points(
    client_for, qi_coach, ward, measure
):
    client = client_for(qi_coach)
    url = reverse("charts:ward_settings", args=[ward.pk, measure.pk])
    response = client.post(url, {"fix_after": "6", "screen_outliers": "on"})
    assert "Limits can only be frozen after at least 12 points." in response.text
    response = client.post(url, {"fix_after": "12", "trajectory": "2025-06 15\nnonsense"})
    assert "Line 2 is not a period and a value" in response.text
    response = client.post(url, {"fix_after": "12", "trajectory": "2025-06 15\n2025-07 14.5"})
    assert response.status_code == 302
    chart = selectors.chart_for(Scope.for_ward(ward), measure)
    assert chart.fix_after == 12 and not chart.screen_outliers
    assert len(chart.trajectory) == 2


def test_note_on_a_point(client_for, ward_member, ward, measure):
    url = reverse("charts:ward_note", args=[ward.pk, measure.pk])
    response = client_for(ward_member).post(
        url, {"period_start": month(5).isoformat(), "text": "Ward closed to admissions for a week"}
    )
    assert response.status_code == 302
    note = PointNote.objects.get(ward=ward)
    assert note.written_by == ward_member and note.period_start == month(5)


def test_note_refuses_an_nhs_number(client_for, ward_member, ward, measure):
    url = reverse("charts:ward_note", args=[ward.pk, measure.pk])
    response = client_for(ward_member).post(
        url, {"period_start": month(5).isoformat(), "text": "Patient 943 476 5919 was restrained"}
    )
    assert response.status_code == 200
    assert not PointNote.objects.exists()


def test_signal_stays_listed_until_reviewed(client_for, qi_coach, ward, measure, signal):
    client = client_for(qi_coach)
    listed = client.get(reverse("charts:my_signals")).text
    # A shift of 7 is one run: one row to review, not seven.
    assert "1 signal to review" in listed
    assert "7 points in a row" in listed
    review_url = reverse("charts:signal_review", args=[signal.pk])
    page = client.get(review_url).text
    assert "Apply this to the 6 other unreviewed points of the same run" in page
    response = client.post(review_url, {"kind": "known_cause"})
    assert "Describe the cause." in response.text
    response = client.post(
        review_url, {"kind": "known_cause", "text": "New activities coordinator", "whole_run": "on"}
    )
    assert response.status_code == 302
    assert not Signal.objects.filter(ward=ward, reviewed_at__isnull=True).exists()
    assert (
        "There are no signals to review."
        in client.get(reverse("charts:ward_signals", args=[ward.pk])).text
    )
    chart_page = client.get(response["Location"]).text
    assert "New activities coordinator" in chart_page


def test_coach_sees_signals_of_only_their_wards(client_for, qi_coach, ward, other_ward, measure):
    signal_for(measure, ward, month(3))
    signal_for(measure, other_ward, month(3))
    text = client_for(qi_coach).get(reverse("charts:my_signals")).text
    assert "Willow Ward" in text and "Cedar Ward" not in text


def test_ward_and_organisation_pages_show_the_panels(client_for, org_lead, ward, org, signal):
    client = client_for(org_lead)
    ward_page = client.get(reverse("wards:detail", args=[ward.pk])).text
    assert "Measures and signals to review" in ward_page
    assert reverse("charts:ward_summary", args=[ward.pk]) in ward_page
    assert "1 signal to review" in ward_page
    org_page = client.get(reverse("organisations:detail", args=[org.ods_code])).text
    assert reverse("charts:organisation_summary", args=[org.ods_code]) in org_page


# --- Query counts ----------------------------------------------------------------------------


@pytest.fixture
def many(org, ward):
    from tests.factories import WardFactory

    second = WardFactory(organisation=org, name="Ash Ward")
    measures = [MeasureFactory(name=f"Measure {i}") for i in range(4)]
    for m in measures:
        for w in (ward, second):
            add_series(m, w, BASE + SHIFT)
    return measures


@pytest.mark.parametrize("kind", ["ward", "organisation", "programme"])
def test_summary_tables_use_a_fixed_number_of_queries(
    kind, client_for, admin, org, ward, many, django_assert_max_num_queries
):
    url = {
        "ward": reverse("charts:ward_summary", args=[ward.pk]),
        "organisation": reverse("charts:organisation_summary", args=[org.ods_code]),
        "programme": reverse("reporting:programme_summary"),
    }[kind]
    client = client_for(admin)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Improvement (low)") >= 4


def test_signal_list_query_count(
    client_for, org_lead, org, ward, many, django_assert_max_num_queries
):
    services.signals_refresh_all()
    client = client_for(org_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("charts:organisation_signals", args=[org.ods_code]))
    assert response.status_code == 200
    assert "signals to review" in response.text


# --- Markers and the empty chart (issue 15, item 9) ------------------------------------------


def test_an_empty_chart_offers_to_enter_the_first_month(client_for, ward_member, ward):
    empty = MeasureFactory(name="Time outdoors")
    text = client_for(ward_member).get(reverse("charts:ward_chart", args=[ward.pk, empty.pk])).text
    assert "Enter your first month" in text
    assert reverse("improvement:ward_data", args=[ward.pk]) in text
    assert 'class="app-chart"' not in text  # no empty box
    assert "Add a note to a point" not in text and "Recalculate the limits" not in text
    weekly = MeasureFactory(name="Community meetings", frequency="weekly")
    text = client_for(ward_member).get(reverse("charts:ward_chart", args=[ward.pk, weekly.pk])).text
    assert "Enter your first week" in text


def test_an_empty_chart_offers_no_data_entry_to_a_reader(client_for, executive, ward):
    empty = MeasureFactory(name="Time outdoors")
    text = client_for(executive).get(reverse("charts:ward_chart", args=[ward.pk, empty.pk])).text
    assert "Enter your first month" not in text
    assert "The chart appears once the first month is entered." in text
