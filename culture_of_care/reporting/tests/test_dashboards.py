"""Dashboards from nation to ward (issue 11): complete months only, access, snapshots, exports.

The clock is set in each test. The factory wards start coaching in April 2025, so their baseline
starts in April 2024; on 10 December 2026 the last closed month is November 2026 and its
submission deadline (15 December) has not passed, so October 2026 is the latest that counts.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from culture_of_care import downloads
from culture_of_care.improvement import services
from culture_of_care.improvement.data_entry import Entry
from culture_of_care.improvement.models import Measure
from culture_of_care.reporting import services as snapshots
from culture_of_care.reporting.models import Snapshot, SnapshotKind
from culture_of_care.reporting.tests.factories import programme

pytestmark = pytest.mark.django_db

BEFORE_DEADLINE = "2026-12-10 12:00 +0000"
AFTER_DEADLINE = "2026-12-16 12:00 +0000"


def _enter(ward, user, period, numerator="3", denominator="430"):
    measure = Measure.objects.get(code="rp_all")
    services.data_points_save(
        entries=[Entry(ward, measure, period, numerator, denominator)], actor=user
    )


def _figure(response, code="rp_all"):
    return next(f for f in response.context["figures"] if f.measure.code == code)


def test_before_the_deadline_one_ward_changes_no_figure_above_the_ward(
    client_for, programme_lead, admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        orgs, wards = programme(organisations=2, wards_each=3, last=date(2026, 10, 1))
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        before = _figure(client.get(reverse("dashboards:national")))
        assert before.latest.period == date(2026, 10, 1)
        assert before.latest.coverage == "6 of 6 wards reported"

        # One ward enters November, the month just closed: the refresh runs on commit.
        with django_capture_on_commit_callbacks(execute=True):
            _enter(wards[0], admin, date(2026, 11, 1))
        assert (
            Snapshot.objects.get(kind=SnapshotKind.WARD, key=str(wards[0].pk)).payload[
                "last_reported"
            ]
            == date(2026, 11, 1).isoformat()
        )
        for url in (
            reverse("dashboards:national"),
            reverse("dashboards:region", args=["Y56"]),
            reverse("dashboards:organisation", args=[orgs[0].ods_code]),
        ):
            response = client.get(url)
            after = _figure(response)
            assert after.latest.period == date(2026, 10, 1), url
            assert [p.period for p in after.chart.points] == [p.period for p in before.chart.points]
            assert "November 2026" not in [row["label"] for row in after.table]
            assert "6 of 6 wards reported" in response.text or "3 of 3 wards reported" in (
                response.text
            )
        # The ward's own chart shows its month as entered.
        ward_page = client.get(reverse("dashboards:ward", args=[wards[0].pk]))
        assert _figure(ward_page).chart.points[-1].period == date(2026, 11, 1)


def test_after_the_deadline_a_month_counts_only_when_enough_wards_reported(
    client_for, programme_lead, admin, settings
):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        orgs, wards = programme(organisations=2, wards_each=3, last=date(2026, 10, 1))
        for ward in wards[:4]:  # 4 of 6: below 80%
            _enter(ward, admin, date(2026, 11, 1))
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        response = client.get(reverse("dashboards:national"))
        figure = _figure(response)
        assert figure.latest.period == date(2026, 10, 1)
        assert [m.label for m in figure.incomplete] == ["November 2026"]
        assert date(2026, 11, 1) not in [p.period for p in figure.chart.points]
        november = next(r for r in figure.table if r["label"] == "November 2026")
        assert november["status"] == "incomplete"
        assert november["coverage"] == "4 of 6 wards reported"
        assert november["signal"] == "Not used: too few wards reported"
        assert "November 2026 (4 of 6 wards reported)" in response.text
        assert "app-row-incomplete" in response.text
        # On the chart itself: one greyed marker, named in the legend and the text alternative.
        svg = str(figure.svg)
        assert svg.count('<rect class="app-spc-incomplete"') == 2  # the month and its legend
        assert "November 2026: incomplete (4 of 6 wards reported), not used" in svg
        assert "app-spc-legend--incomplete" in svg
        assert "Incomplete: too few wards, not used" in svg
        desc = svg.split("<desc")[1].split("</desc>")[0]
        assert "November 2026 is greyed as incomplete" in desc
        assert "not used in the limits or rules" in desc

        # A lower threshold (a setting) lets the same month count.
        settings.REPORTING_COMPLETENESS_THRESHOLD = 0.6
        figure = _figure(client.get(reverse("dashboards:national")))
        assert figure.latest.period == date(2026, 11, 1)
        assert figure.latest.coverage == "4 of 6 wards reported"
        settings.REPORTING_COMPLETENESS_THRESHOLD = 0.8

        for ward in wards[4:]:
            _enter(ward, admin, date(2026, 11, 1))
        snapshots.snapshots_refresh()
        figure = _figure(client.get(reverse("dashboards:national")))
        assert figure.latest.period == date(2026, 11, 1)
        assert figure.latest.coverage == "6 of 6 wards reported"
        assert not figure.incomplete


def test_data_currency_lists_wards_that_have_not_reported(client_for, org_lead, org, admin):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        _, wards = programme(organisations=1, wards_each=2, last=date(2026, 10, 1))
        # Put the programme's wards in the org lead's organisation.
        for ward in wards:
            ward.organisation = org
            ward.save()
        from culture_of_care.improvement.models import DataPoint

        DataPoint.objects.update(organisation=org)
        _enter(wards[0], admin, date(2026, 11, 1))
        snapshots.snapshots_refresh()
        response = client_for(org_lead).get(reverse("dashboards:organisation", args=["RAA"]))
        missing = [m["name"] for m in response.context["missing"]]
        assert missing == [wards[1].name]
        assert "have not reported November 2026" in response.text or "has not reported" in (
            response.text
        )


# --- Access -----------------------------------------------------------------------------------


@pytest.fixture
def refreshed(org, ward, other_org, other_ward):
    snapshots.snapshots_refresh()


def _urls(org, ward, other_org, other_ward):
    return {
        "national": reverse("dashboards:national"),
        "region": reverse("dashboards:region", args=[org.region]),
        "own_org": reverse("dashboards:organisation", args=[org.ods_code]),
        "other_org": reverse("dashboards:organisation", args=[other_org.ods_code]),
        "own_ward": reverse("dashboards:ward", args=[ward.pk]),
        "other_ward": reverse("dashboards:ward", args=[other_ward.pk]),
        "own_org_export": reverse(
            "dashboards:organisation_export", args=[org.ods_code, "wards", "csv"]
        ),
        "other_org_export": reverse(
            "dashboards:organisation_export", args=[other_org.ods_code, "wards", "xlsx"]
        ),
        "national_export": reverse("dashboards:national_export", args=["wards", "csv"]),
    }


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("programme_lead", "*"),
        ("admin", "*"),
        ("org_lead", "own_org own_ward own_org_export"),
        ("leadership_coach", "own_org own_ward own_org_export"),
        ("qi_coach", "own_ward"),
        ("ward_member", "own_ward"),
        ("other_org_member", "other_ward other_org other_org_export"),
        ("no_role_user", ""),
    ],
)
def test_dashboards_and_exports_are_404_outside_reach(
    request, refreshed, client_for, org, ward, other_org, other_ward, persona, allowed
):
    client = client_for(request.getfixturevalue(persona))
    for name, url in _urls(org, ward, other_org, other_ward).items():
        expected = 200 if allowed == "*" or name in allowed.split() else 404
        assert client.get(url).status_code == expected, (persona, name)


def test_anonymous_is_sent_to_sign_in(client, refreshed, org, ward, other_org, other_ward):
    for url in _urls(org, ward, other_org, other_ward).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_programme_lead_drills_from_national_to_a_ward(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        orgs, wards = programme(organisations=2, wards_each=2, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        national = client.get(reverse("dashboards:national"))
        region_url = reverse("dashboards:region", args=["Y56"])
        assert region_url in national.text
        region = client.get(region_url)
        org_url = reverse("dashboards:organisation", args=[orgs[0].ods_code])
        assert org_url in region.text
        organisation = client.get(org_url)
        ward_url = reverse("dashboards:ward", args=[wards[0].pk])
        assert ward_url in organisation.text
        ward_page = client.get(ward_url)
        assert ward_page.status_code == 200
        # Each level above the ward has the same layout.
        for page in (national, region, organisation):
            for heading in ("Reach", "Outcomes", "Wards compared fairly", "QI activity"):
                assert f">{heading}</h2>" in page.text
        assert "Wards providing acute adult mental health care nationally" in ward_page.text


def test_filters_narrow_the_figures_and_unknown_values_are_named(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        programme(organisations=1, wards_each=2, last=date(2026, 11, 1), region="Y56")
        programme(organisations=1, wards_each=3, last=date(2026, 11, 1), region="Y62")
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        response = client.get(reverse("dashboards:national"), {"region": "Y62"})
        assert _figure(response).latest.coverage == "3 of 3 wards reported"
        assert len(response.context["ward_rows"]) == 3
        response = client.get(reverse("dashboards:national"), {"service_type": "99"})
        assert "&#x27;99&#x27; is not a service type" in response.text
        assert _figure(response).latest.coverage == "5 of 5 wards reported"


# --- Snapshots: a fixed number of queries -----------------------------------------------------


def _query_counts(client, orgs, wards) -> dict[str, int]:
    counts = {}
    for name, url in (
        ("national", reverse("dashboards:national")),
        ("filtered", reverse("dashboards:national") + "?provider_type=nhs_trust"),
        ("region", reverse("dashboards:region", args=["Y56"])),
        ("organisation", reverse("dashboards:organisation", args=[orgs[0].ods_code])),
        ("ward", reverse("dashboards:ward", args=[wards[0].pk])),
        ("export", reverse("dashboards:national_export", args=["wards", "xlsx"])),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_pages_run_the_same_number_of_queries_at_scale_1_and_3(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        client = client_for(programme_lead)
        orgs, wards = programme(organisations=2, wards_each=2, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        client.get(reverse("dashboards:national"))  # warm the session and the role cache
        small = _query_counts(client, orgs, wards)
        more_orgs, more_wards = programme(organisations=4, wards_each=3, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        large = _query_counts(client, orgs + more_orgs, wards + more_wards)
        assert small == large
        # 12 for the dashboard itself, plus the barriers panel's three aggregates.
        assert max(large.values()) <= 15


def test_pages_say_when_figures_were_computed(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        programme(organisations=1, wards_each=1, last=date(2026, 11, 1))
        response = client_for(programme_lead).get(reverse("dashboards:national"))
        assert "Figures have not been computed yet" in response.text
        snapshots.snapshots_refresh()
        response = client_for(programme_lead).get(reverse("dashboards:national"))
        assert "Figures computed 16 December 2026 at 12:00" in response.text


def test_nightly_task_is_scheduled_and_refreshes(settings):
    from culture_of_care.reporting import tasks

    schedule = settings.CELERY_BEAT_SCHEDULE["refresh-dashboard-snapshots"]
    assert schedule["task"] == "culture_of_care.reporting.tasks.refresh_all_snapshots"
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        programme(organisations=1, wards_each=2, last=date(2026, 11, 1))
        # Two wards, their organisation, its region, the programme and the national rates;
        # then the stored filtered views both wards share: four single filters and six pairs.
        assert tasks.refresh_all_snapshots.delay().get() == 2 + 1 + 1 + 2 + 4 + 6
        assert Snapshot.objects.filter(kind=SnapshotKind.PROGRAMME).count() == 2


# --- Filtered views: stored, not summed per request (issue 18) ------------------------------

FILTERED_VIEWS = (
    ("dashboards:national", [], {"region": "Y62"}),
    ("dashboards:national", [], {"provider_type": "nhs_trust"}),
    ("dashboards:national", [], {"service_type": "10"}),
    ("dashboards:national", [], {"cohort": "2025-Q2"}),
    ("dashboards:national", [], {"provider_type": "nhs_trust", "service_type": "10"}),
    ("dashboards:region", ["Y56"], {"cohort": "2025-Q2"}),
)


def _filtered_reads(client) -> dict[str, tuple[int, int]]:
    """Per filtered view: (queries, how many of them read ward snapshot rows)."""
    out = {}
    for name, args, params in FILTERED_VIEWS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name, args=args), params)
        assert response.status_code == 200
        ward_reads = [
            q["sql"]
            for q in queries
            if "reporting_snapshot" in q["sql"] and "\"kind\" = 'ward'" in q["sql"]
        ]
        out[f"{name} {params}"] = (len(queries), len(ward_reads))
    return out


def test_filtered_views_read_one_stored_row_whatever_the_programmes_size(
    client_for, programme_lead
):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        client = client_for(programme_lead)
        programme(organisations=2, wards_each=2, last=date(2026, 11, 1))
        programme(organisations=1, wards_each=1, last=date(2026, 11, 1), region="Y62")
        snapshots.snapshots_refresh()
        client.get(reverse("dashboards:national"))  # warm the session and the role cache
        small = _filtered_reads(client)
        programme(organisations=4, wards_each=3, last=date(2026, 11, 1))
        programme(organisations=2, wards_each=3, last=date(2026, 11, 1), region="Y62")
        snapshots.snapshots_refresh()
        large = _filtered_reads(client)
        assert small == large
        # No filtered page sums the ward rows of its view when it is asked for.
        assert {reads for _queries, reads in large.values()} == {0}
        response = client.get(reverse("dashboards:national"), {"region": "Y62"})
        assert _figure(response).latest.coverage == "7 of 7 wards reported"


def test_stored_filtered_views_follow_a_data_change_and_a_ward_that_moves(
    client_for, programme_lead, admin, django_capture_on_commit_callbacks
):
    from wards.models import ServiceType

    with time_machine.travel(AFTER_DEADLINE, tick=False):
        orgs, wards = programme(organisations=2, wards_each=2, last=date(2026, 10, 1))
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        url = reverse("dashboards:national")
        pair = {"provider_type": "nhs_trust", "service_type": "10"}
        assert _figure(client.get(url, pair)).latest.period == date(2026, 10, 1)

        # Every ward enters November: the refresh queued on commit updates the stored views.
        with django_capture_on_commit_callbacks(execute=True):
            for ward in wards:
                _enter(ward, admin, date(2026, 11, 1))
        after = _figure(client.get(url, pair)).latest
        assert (after.period, after.coverage) == (date(2026, 11, 1), "4 of 4 wards reported")

        # A ward that becomes another service type leaves one view and joins another.
        other, _ = ServiceType.objects.get_or_create(
            code="11", defaults={"name": "Older adult mental health care", "group": "Older"}
        )
        wards[0].service_type = other
        wards[0].save()
        snapshots.snapshots_refresh(organisation_ids=[orgs[0].pk])
        moved = client.get(url, {"service_type": "10"})
        assert _figure(moved).latest.coverage == "3 of 3 wards reported"
        joined = client.get(url, {"service_type": "11"})
        assert _figure(joined).latest.coverage == "1 of 1 ward reported"
        # Three filters at once are summed from the matching wards when asked for.
        three = client.get(url, {"region": "Y56", "service_type": "10", "cohort": "2025-Q2"})
        assert _figure(three).latest.coverage == "3 of 3 wards reported"


# --- Funnel and the ward table ----------------------------------------------------------------


def test_funnel_and_ward_table_compare_without_ranking(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        programme(organisations=2, wards_each=3, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        client = client_for(programme_lead)
        response = client.get(reverse("dashboards:national"))
        funnel = response.context["funnel"]
        assert len(funnel.points) == 6
        assert funnel.first == "December 2025" and funnel.last == "November 2026"
        assert "context, not a league table" in response.text
        assert "99.8%" in response.text
        assert "Rank" not in response.text
        rows = response.context["ward_rows"]
        by_rate = client.get(reverse("dashboards:national"), {"sort": "rate", "dir": "desc"})
        rates = [r["rate_value"] for r in by_rate.context["ward_rows"]]
        assert rates == sorted(rates, reverse=True)
        assert {r["name"] for r in rows} == {r["name"] for r in by_rate.context["ward_rows"]}


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_has_a_bom_and_neutralises_formulas(client_for, programme_lead, org):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        orgs, wards = programme(organisations=1, wards_each=2, last=date(2026, 11, 1))
        wards[0].name = "=HYPERLINK(1)"
        wards[0].save()
        snapshots.snapshots_refresh()
        response = client_for(programme_lead).get(
            reverse("dashboards:national_export", args=["wards", "csv"])
        )
        assert response["Content-Type"].startswith("text/csv")
        body = response.getvalue()
        assert body.startswith(b"\xef\xbb\xbf")
        table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert table[0][0] == "Ward"
        assert "'=HYPERLINK(1)" in [row[0] for row in table[1:]]


def test_xlsx_export_opens_with_the_same_rows(client_for, programme_lead):
    from openpyxl import load_workbook

    with time_machine.travel(AFTER_DEADLINE, tick=False):
        programme(organisations=1, wards_each=2, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        response = client_for(programme_lead).get(
            reverse("dashboards:national_export", args=["measures", "xlsx"])
        )
        book = load_workbook(io.BytesIO(response.getvalue()))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Measure", "Month", "Wards reported")
        assert any(r[1] == "November 2026" and r[2] == "2 of 2 wards reported" for r in rows)


def test_exports_suppress_small_ward_rates(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        orgs, wards = programme(organisations=1, wards_each=2, last=date(2026, 11, 1))
        from culture_of_care.improvement.models import DataPoint

        DataPoint.objects.filter(ward=wards[0]).update(numerator=0)
        snapshots.snapshots_refresh()
        response = client_for(programme_lead).get(
            reverse("dashboards:national_export", args=["wards", "csv"])
        )
        table = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        rate_column = table[0].index("Restrictive practice per 1,000 occupied bed days (12 months)")
        by_name = {row[0]: row[rate_column] for row in table[1:]}
        assert by_name[wards[0].name] == "*"
        assert by_name[wards[1].name] not in ("*", "")


def test_neutralise_covers_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert downloads.neutralise(text).startswith("'")
    assert downloads.neutralise("Willow Ward") == "Willow Ward"
    assert downloads.neutralise(-1) == -1


# --- Ways in ----------------------------------------------------------------------------------


def test_home_organisation_and_ward_pages_link_to_the_dashboards(
    client_for, programme_lead, org_lead, ward_member, org, ward
):
    national = reverse("dashboards:national")
    assert national in client_for(programme_lead).get(reverse("home")).text
    lead_home = client_for(org_lead).get(reverse("home")).text
    assert reverse("dashboards:organisation", args=[org.ods_code]) in lead_home
    assert f'href="{national}"' not in lead_home
    org_page = client_for(org_lead).get(reverse("organisations:detail", args=[org.ods_code]))
    assert reverse("dashboards:organisation", args=[org.ods_code]) in org_page.text
    ward_page = client_for(ward_member).get(reverse("wards:detail", args=[ward.pk]))
    assert reverse("dashboards:ward", args=[ward.pk]) in ward_page.text


# --- Targets ----------------------------------------------------------------------------------


def test_ward_sets_its_own_target_and_the_assurance_icon_follows(
    client_for, ward_member, ward, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        from culture_of_care.improvement.models import DataPoint
        from culture_of_care.improvement.tests.factories import ProjectFactory

        ProjectFactory(ward=ward, aim_how_much="30% fewer")
        measure = Measure.objects.get(code="rp_all")
        DataPoint.objects.bulk_create(
            DataPoint(
                organisation=ward.organisation,
                ward=ward,
                measure=measure,
                period_start=date(2024 + (3 + m) // 12, (3 + m) % 12 + 1, 1),
                numerator=10 + m % 3,
                denominator=500,
            )
            for m in range(20)
        )
        snapshots.snapshots_refresh()
        client = client_for(ward_member)
        url = reverse("dashboards:ward", args=[ward.pk])
        assert _figure(client.get(url)).chart.assurance is None

        target_url = reverse("dashboards:ward_target", args=[ward.pk, measure.pk])
        response = client.post(target_url, {"action": "set", "target": "lots"})
        assert response.status_code == 400
        assert "<title>Error: " in response.text
        assert "Enter the target as a number" in response.text

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target_url, {"action": "aim"})
        assert response.status_code == 302
        figure = _figure(client.get(url))
        # Baseline April 2024 to March 2025: 10, 11, 12 in 500 bed days, 22 per 1,000; 30% fewer.
        assert figure.ward_target == pytest.approx(15.4)
        assert figure.chart.assurance in ("pass", "fail", "inconsistent")
        assert "The ward&#x27;s own target: 15.40. From the ward&#x27;s aim: 30% fewer" in (
            client.get(url).text
        )


def test_only_people_who_change_the_wards_qi_records_set_its_target(
    client_for, executive, other_org_member, ward
):
    measure = Measure.objects.get(code="rp_all")
    url = reverse("dashboards:ward_target", args=[ward.pk, measure.pk])
    assert client_for(executive).post(url, {"target": "5"}).status_code == 403
    assert client_for(other_org_member).post(url, {"target": "5"}).status_code == 404


def test_programme_targets_give_national_assurance_icons(client_for, programme_lead):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        Measure.objects.filter(code="rp_all").update(target=5)
        programme(organisations=1, wards_each=2, last=date(2026, 11, 1))
        snapshots.snapshots_refresh()
        response = client_for(programme_lead).get(reverse("dashboards:national"))
        figure = _figure(response)
        assert figure.chart.assurance == "fail"  # about 16 per 1,000 against a target of 5
        assert "Programme target: 5.00." in response.text
        assert "Fail" in response.text


def test_coach_home_lists_their_wards_that_have_not_reported(client_for, qi_coach, ward):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        snapshots.snapshots_refresh()
        text = client_for(qi_coach).get(reverse("home")).text
        assert "Not yet reported for November 2026" in text
        assert f"<li>{ward.name}, {ward.organisation.name}</li>" in text


def test_a_ward_and_organisation_not_refreshed_yet_show_their_figures_now(
    client_for, org_lead, org, ward, other_ward
):
    # No snapshot at all yet (onboarded today): the page works from the live data.
    client = client_for(org_lead)
    response = client.get(reverse("dashboards:organisation", args=[org.ods_code]))
    assert response.status_code == 200
    assert "Figures worked out just now" in response.text
    assert client.get(reverse("dashboards:ward", args=[ward.pk])).status_code == 200
    assert client.get(reverse("dashboards:ward", args=[other_ward.pk])).status_code == 404
    other = reverse("dashboards:organisation", args=[other_ward.organisation.ods_code])
    assert client.get(other).status_code == 404
