"""Signals to review (issue 15, item 10): one row per run of special cause, newest first, filters
by ward and measure, the organisation beside same-named wards, counts only for reviewers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement import spc
from culture_of_care.improvement.charts import selectors
from culture_of_care.improvement.models import Signal
from culture_of_care.improvement.tests.chart_factories import MeasureFactory, month, signal_for

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="nhsuk-table__body">')[1].split("</tbody>")[0]
    return body.split('<tr class="nhsuk-table__row">')[1:]


def test_a_run_of_flagged_points_is_one_row_newest_first(client_for, qi_coach, ward):
    restraint, seclusion = MeasureFactory(name="Restraint"), MeasureFactory(name="Seclusion")
    for i in range(3, 10):  # a shift of 7 ending in October 2024
        signal_for(restraint, ward, month(i))
    signal_for(restraint, ward, month(10), rule=spc.Rule.ABOVE_UCL, kind="concern")
    signal_for(seclusion, ward, month(14), rule=spc.Rule.ABOVE_UCL, kind="concern")
    html = client_for(qi_coach).get(reverse("charts:my_signals")).text
    rows = _rows(html)
    assert "3 signals to review, newest first" in html
    assert len(rows) == 3
    assert "Seclusion" in rows[0] and "March 2025" in rows[0]
    assert "Restraint" in rows[1] and "November 2024" in rows[1]
    assert "Restraint" in rows[2] and "April 2024 to October 2024" in rows[2]
    assert "7 points in a row" in rows[2]
    # The review answers the whole run, from its latest point.
    latest = Signal.objects.get(measure=restraint, period_start=month(9))
    assert reverse("charts:signal_review", args=[latest.pk]) in rows[2]


def test_a_reviewed_point_inside_a_run_does_not_split_it(ward):
    measure = MeasureFactory()
    signals = [signal_for(measure, ward, month(i)) for i in range(3, 8)]
    Signal.objects.filter(pk=signals[2].pk).update(reviewed_at="2025-01-01T00:00Z")
    every = Signal.objects.all()
    runs = selectors.signal_runs(every.filter(reviewed_at__isnull=True), every)
    assert [len(r) for r in runs] == [4]
    assert selectors.signal_run(signals[0]) == [s for s in signals if s != signals[2]]


def test_filters_by_ward_and_measure(client_for, org_lead, org, ward):
    from tests.factories import WardFactory

    ash = WardFactory(organisation=org, name="Ash Ward")
    restraint, seclusion = MeasureFactory(name="Restraint"), MeasureFactory(name="Seclusion")
    signal_for(restraint, ward, month(3))
    signal_for(seclusion, ward, month(4))
    signal_for(restraint, ash, month(5))
    client = client_for(org_lead)
    url = reverse("charts:organisation_signals", args=[org.ods_code])
    html = client.get(url).text
    assert '<label class="nhsuk-label" for="filter-ward">Ward</label>' in html
    assert '<label class="nhsuk-label" for="filter-measure">Measure</label>' in html
    assert len(_rows(html)) == 3
    rows = _rows(client.get(url, {"ward": ward.pk}).text)
    assert len(rows) == 2 and all(ward.name in r for r in rows)
    rows = _rows(client.get(url, {"measure": restraint.pk}).text)
    assert len(rows) == 2 and all("Restraint" in r for r in rows)
    html = client.get(url, {"ward": ash.pk, "measure": seclusion.pk}).text
    assert "There are no signals to review for that ward and measure." in html
    # A ward or measure the person does not reach is ignored, not an error.
    assert len(_rows(client.get(url, {"ward": 999999}).text)) == 3


def test_same_named_wards_show_their_organisation(client_for, admin, ward, other_ward):
    other_ward.name = ward.name
    other_ward.save()
    measure = MeasureFactory(name="Restraint")
    signal_for(measure, ward, month(3))
    signal_for(measure, other_ward, month(4))
    html = client_for(admin).get(reverse("charts:my_signals")).text
    assert f"{ward.name} ({ward.organisation.name})" in html
    assert f"{ward.name} ({other_ward.organisation.name})" in html


def test_signal_counts_are_shown_only_to_those_who_review_them(
    client_for, qi_coach, ward_member, executive, programme_lead, ward
):
    measure = MeasureFactory()
    for i in range(3, 10):
        signal_for(measure, ward, month(i))
    # The coach's home counts them; the ward team's home is its own work (data, charts at a
    # glance), so the team finds the count on its ward's page.
    assert "1 signal to review" in client_for(qi_coach).get(reverse("home")).text
    team_ward_page = client_for(ward_member).get(reverse("wards:detail", args=[ward.pk])).text
    assert "1 signal to review" in team_ward_page
    for reader in (executive, programme_lead):
        home = client_for(reader).get(reverse("home")).text
        assert "signal to review" not in home and "signals to review" not in home, reader
    ward_page = client_for(executive).get(reverse("wards:detail", args=[ward.pk]))
    if ward_page.status_code == 200:
        assert "1 signal to review" not in ward_page.text


def test_another_organisations_signal_list_is_not_found(client_for, other_org_member, ward):
    signal_for(MeasureFactory(), ward, month(3))
    response = client_for(other_org_member).get(reverse("charts:ward_signals", args=[ward.pk]))
    assert response.status_code == 404
