"""The weekly summary for organisation leads: last week's counts, nothing else."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from coaching.tests.factories import CoachingSessionFactory
from culture_of_care.improvement.models import DataPoint
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    DataPointFactory,
    PDSACycleFactory,
    ProjectFactory,
)
from culture_of_care.reporting.selectors import organisation_week_for


def test_organisation_leads_get_last_weeks_counts(org_lead, org, ward, other_ward, ward_member):
    today = timezone.localdate()
    idea = ChangeIdeaFactory(project=ProjectFactory(ward=ward))
    PDSACycleFactory(change_idea=idea, status="do", started_on=today - timedelta(days=2))
    PDSACycleFactory(change_idea=idea, status="do", started_on=today - timedelta(days=9))
    PDSACycleFactory(
        change_idea=idea, status="complete", decided_on=today - timedelta(days=1), started_on=None
    )
    week = [DataPointFactory(ward=ward, period_start=date(2026, m, 1)).pk for m in (1, 2)]
    DataPoint.objects.filter(pk__in=week).update(created_at=timezone.now() - timedelta(days=1))
    old = DataPointFactory(ward=ward, period_start=date(2026, 3, 1))
    DataPoint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    DataPointFactory(ward=ward, period_start=date(2026, 4, 1))  # today: counted next week
    DataPointFactory(ward=other_ward, period_start=date(2026, 1, 1))  # another organisation
    CoachingSessionFactory(ward=ward, date=today - timedelta(days=3))
    CoachingSessionFactory(ward=ward, date=today - timedelta(days=30))
    (item,) = organisation_week_for(org_lead, today)
    start, end = today - timedelta(days=7), today - timedelta(days=1)
    assert item.text == (
        f"{org.name}, {start:%-d %B} to {end:%-d %B}: 1 PDSA cycle started, 1 completed; "
        "2 data values entered by 1 ward; 1 coaching session logged."
    )
    assert item.url == f"/organisations/{org.ods_code}/"
    assert organisation_week_for(ward_member, today) == []


def test_the_summary_is_weekly_for_organisation_leads_by_default(org_lead, ward_member):
    from culture_of_care.notifications.selectors import frequencies_for

    assert frequencies_for(org_lead)["organisation_summary"] == "weekly"
    assert frequencies_for(ward_member)["organisation_summary"] == "off"
