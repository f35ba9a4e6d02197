"""The equity view: rate ratios by ethnicity group with their intervals, recording completeness,
the trend, one suppression rule for page and CSV, and access by place."""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from culture_of_care import suppression
from culture_of_care.improvement.tests.chart_factories import add_series, chart_scene, month
from culture_of_care.reporting.equity.selectors import Place, measure_equity

TODAY = date(2026, 12, 1)


def _ward_figures(ward):
    measure = chart_scene(ward)
    place = Place("ward", ward.name, organisation_id=ward.organisation_id, ward_id=ward.pk)
    return measure, measure_equity(place, measure, today=TODAY)


def test_a_wards_whole_history_gives_the_rate_ratio_and_its_interval(ward):
    _measure, figures = _ward_figures(ward)
    rows = {row.code: row for row in figures.table.rows}
    # 12 months of White 4 in 300 bed days, Black 2 in 60: rates 13.3 and 33.3 per 1,000.
    assert rows["white"].is_reference
    black = rows["black"].rate_ratio
    assert black.ratio == pytest.approx(2.5)
    spread = 1.959963984540054 * math.sqrt(1 / 24 + 1 / 48)
    assert black.lower == pytest.approx(2.5 * math.exp(-spread))
    assert black.upper == pytest.approx(2.5 * math.exp(spread))
    assert figures.period == "up to October 2026"


def test_small_counts_below_national_level_are_hidden_and_so_is_the_next_smallest(ward):
    measure = chart_scene(ward)
    place = Place("organisation", "Riverside", organisation_id=ward.organisation_id)
    figures = measure_equity(place, measure, today=date(2026, 1, 20))  # window to Dec 2025
    rows = {row.code: row for row in figures.table.rows}
    # Asian: 12 episodes over the window, shown rounded; Mixed and Other: none at all (hidden).
    assert rows["mixed"].numerator == "*"
    assert rows["white"].numerator == "50"  # 48 rounded to the nearest 5
    assert figures.completeness is not None


def test_national_figures_are_not_suppressed(ward):
    measure = chart_scene(ward)
    figures = measure_equity(Place("national", "All"), measure, today=TODAY)
    rows = {row.code: row for row in figures.table.rows}
    assert rows["mixed"].numerator == "0"
    assert rows["white"].numerator != "*"


def test_completeness_counts_not_stated_episodes(ward):
    measure = chart_scene(ward)
    add_series(measure, ward, [3] * 12, [0] * 12, start=month(12), group="not_stated")
    place = Place("ward", ward.name, organisation_id=ward.organisation_id, ward_id=ward.pk)
    figures = measure_equity(place, measure, today=TODAY)
    assert figures.completeness.not_stated_share != "No episodes"


def test_the_trend_has_one_row_a_window(ward):
    _measure, figures = _ward_figures(ward)
    assert len(figures.trend) == 6
    assert figures.trend[-1].window == "Up to October 2026"
    assert len(figures.trend[0].ratios) == len(figures.trend_groups)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=7),
    st.integers(min_value=2, max_value=10),
)
def test_no_hidden_count_can_be_recovered_from_the_total(counts, min_count):
    rules = suppression.Rules(min_count=min_count, round_to=1, min_bed_days=0)
    groups = [suppression.GroupInput(f"g{i}", f"G{i}", c, 1000) for i, c in enumerate(counts)]
    table = suppression.equity_table(groups, reference_code="g0", rules=rules)
    hidden = [row for row in table.rows if row.suppressed]
    # With exact counts shown and the total published, a single hidden cell would be the
    # total minus the others: so there are never exactly one.
    assert len(hidden) != 1 or len(table.rows) == 1
    for row in hidden:
        assert row.rate is None  # rate x bed days would give the count back


@pytest.mark.django_db
def test_programme_lead_reads_national_region_organisation_and_ward(
    client_for, ward, programme_lead
):
    chart_scene(ward)
    client = client_for(programme_lead)
    for url in (
        reverse("reporting:equity"),
        reverse("reporting:equity_region", args=[ward.organisation.region]),
        reverse("reporting:equity_organisation", args=[ward.organisation.ods_code]),
        reverse("reporting:equity_ward", args=[ward.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "log rate-ratio method" in page.text
        assert "Restraint per 1,000 occupied bed days" in page.text


def test_the_csv_has_a_bom_and_the_same_suppression(client_for, ward, org_lead):
    chart_scene(ward)
    response = client_for(org_lead).get(
        reverse("reporting:equity_organisation_csv", args=[ward.organisation.ods_code])
    )
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    mixed = [line for line in body.splitlines() if ",Mixed," in line]
    assert mixed and ",*," in mixed[0]


def test_another_organisation_gets_404_and_ward_members_no_national_view(
    client_for, ward, other_org_member, ward_member
):
    chart_scene(ward)
    other = client_for(other_org_member)
    assert (
        other.get(
            reverse("reporting:equity_organisation", args=[ward.organisation.ods_code])
        ).status_code
        == 404
    )
    assert other.get(reverse("reporting:equity_ward", args=[ward.pk])).status_code == 404
    assert (
        other.get(
            reverse("reporting:equity_organisation_csv", args=[ward.organisation.ods_code])
        ).status_code
        == 404
    )
    assert client_for(ward_member).get(reverse("reporting:equity")).status_code == 403
    assert (
        client_for(ward_member).get(reverse("reporting:equity_ward", args=[ward.pk])).status_code
        == 200
    )


def test_an_unknown_region_is_404(client_for, programme_lead):
    assert (
        client_for(programme_lead).get(reverse("reporting:equity_region", args=["Y99"])).status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("reporting:equity"))
    assert response.status_code == 302


def test_a_chart_downloads_as_svg_and_png_with_title_period_and_source(
    client_for, ward, ward_member
):
    measure = chart_scene(ward)
    client = client_for(ward_member)
    svg = client.get(reverse("reporting:chart_file", args=["ward", ward.pk, measure.pk, "svg"]))
    assert svg.status_code == 200
    text = svg.content.decode()
    assert "Restraint per 1,000 occupied bed days: Willow Ward" in text
    assert "January 2024 to" in text or "Jan 2024 to" in text
    assert "Source: Culture of Care, figures computed" in text
    png = client.get(reverse("reporting:chart_file", args=["ward", ward.pk, measure.pk, "png"]))
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")


def test_another_organisations_chart_file_is_404(client_for, ward, other_org_member):
    measure = chart_scene(ward)
    url = reverse("reporting:chart_file", args=["ward", ward.pk, measure.pk, "svg"])
    assert client_for(other_org_member).get(url).status_code == 404
    programme = reverse("reporting:chart_file", args=["programme", "all", measure.pk, "png"])
    assert client_for(other_org_member).get(programme).status_code == 404
