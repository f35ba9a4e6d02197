"""What is due from the QI method: data by the submission deadline, PDSA cycles, signals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.models import CycleStatus, Measure, Signal
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    DataPointFactory,
    PDSACycleFactory,
)


def texts(items):
    return [i.text for i in items]


@pytest.mark.parametrize(
    ("today", "month", "overdue"),
    [
        (date(2026, 12, 11), date(2026, 10, 1), True),  # before the window: October still missing
        (date(2026, 12, 12), date(2026, 11, 1), False),  # 3 days before the 15th: due
        (date(2026, 12, 15), date(2026, 11, 1), False),  # the deadline day itself: still due
        (date(2026, 12, 16), date(2026, 11, 1), True),  # the day after: overdue
        (date(2027, 3, 1), date(2027, 1, 1), True),
    ],
)
def test_the_month_chased_follows_the_submission_deadline(today, month, overdue):
    assert selectors.data_month_to_chase(today) == (month, overdue)


@override_settings(DATA_SUBMISSION_DEADLINE_DAY=31)
def test_the_deadline_day_is_a_setting_and_stays_inside_short_months():
    assert selectors.data_deadline(date(2027, 1, 1)) == date(2027, 2, 28)


def test_missing_data_before_and_after_the_deadline(ward_member, project):
    ward = project.ward
    rp_all = Measure.objects.get(code="rp_all")
    DataPointFactory(ward=ward, measure=rp_all, period_start=date(2026, 11, 1))
    DataPointFactory(
        ward=ward, measure=Measure.objects.get(code="feel_safe"), period_start=date(2026, 10, 1)
    )
    assert texts(selectors.data_due_for(ward_member, date(2026, 12, 13))) == [
        f"{ward.name}: 1 measure still needs data for November 2026, due by 15 December."
    ]
    items = selectors.data_due_for(ward_member, date(2026, 12, 16))
    assert texts(items) == [
        f"{ward.name}: 1 measure has no data for November 2026 yet (it was due on 15 December)."
    ]
    assert items[0].key == f"ward:{ward.pk}:2026-11"
    assert items[0].url == f"/improvement/projects/{project.pk}/data/"


def test_a_ward_that_stopped_sending_data_says_since_when(ward_member, project):
    DataPointFactory(ward=project.ward, period_start=date(2026, 7, 1))
    (item,) = selectors.data_due_for(ward_member, date(2026, 12, 20))
    assert item.text.endswith("Nothing has come in since July 2026.")
    assert "2 measures have no data for November 2026" in item.text


def test_no_data_reminder_when_everything_is_in(ward_member, project):
    for code in ("rp_all", "feel_safe"):
        DataPointFactory(
            ward=project.ward,
            measure=Measure.objects.get(code=code),
            period_start=date(2026, 11, 1),
        )
    assert selectors.data_due_for(ward_member, date(2026, 12, 20)) == []


def test_programme_wide_people_get_no_ward_data_reminders(programme_lead, project):
    assert selectors.data_due_for(programme_lead, date(2026, 12, 20)) == []


def test_cycle_past_its_planned_end_without_a_study(ward_member, project):
    today = date(2026, 12, 1)
    idea = ChangeIdeaFactory(project=project)
    cycle = PDSACycleFactory(
        change_idea=idea, title="Evening activities", status="do", planned_end=today - timedelta(1)
    )
    PDSACycleFactory(change_idea=idea, title="Ends today", status="do", planned_end=today)
    PDSACycleFactory(
        change_idea=idea, title="Studying", status="study", planned_end=today - timedelta(9)
    )
    items = selectors.pdsa_due_for(ward_member, today)
    assert texts(items) == [
        f"PDSA cycle 'Evening activities' on {project.ward.name} was planned to end on "
        "30 November 2026 and has no study yet."
    ]
    assert items[0].key == f"cycle:{cycle.pk}:no-study"


@override_settings(PDSA_STAGE_STUCK_DAYS=42)
def test_cycle_stuck_in_one_stage_longer_than_the_setting(ward_member, project):
    today = timezone.localdate()
    idea = ChangeIdeaFactory(project=project)
    stuck = PDSACycleFactory(change_idea=idea, title="Stuck", status="plan")
    fresh = PDSACycleFactory(change_idea=idea, title="Fresh", status="plan")
    services.pdsa_cycle_start(cycle=fresh, actor=ward_member, started_on=today)
    long_ago = timezone.make_aware(datetime.combine(today - timedelta(43), datetime.min.time()))
    type(stuck).objects.filter(pk__in=[stuck.pk, fresh.pk]).update(created_at=long_ago)
    # "Fresh" was started today (the audit log says so): only "Stuck" has sat still.
    items = selectors.pdsa_due_for(ward_member, today)
    assert len(items) == 1
    assert items[0].text.startswith(
        f"PDSA cycle 'Stuck' on {project.ward.name} has been at 'planning' for 6 weeks"
    )
    AuditEntry.objects.filter(object_id=str(fresh.pk)).update(at=long_ago)
    assert {i.key for i in selectors.pdsa_due_for(ward_member, today)} == {
        f"cycle:{stuck.pk}:plan",
        f"cycle:{fresh.pk}:do",
    }
    fresh.status = CycleStatus.COMPLETE
    fresh.save()
    assert len(selectors.pdsa_due_for(ward_member, today)) == 1


def test_signals_to_review_after_a_week_for_the_ward_team_and_coach(
    ward_member, qi_coach, org_lead, other_org_member, project
):
    today = timezone.localdate()
    measure = Measure.objects.get(code="rp_all")
    old = Signal.objects.create(
        organisation=project.organisation,
        ward=project.ward,
        measure=measure,
        period_start=date(2026, 9, 1),
        special_cause="concern",
        rule="shift",
    )
    young = Signal.objects.create(
        organisation=project.organisation,
        ward=project.ward,
        measure=measure,
        period_start=date(2026, 10, 1),
        special_cause="concern",
        rule="shift",
    )
    eight_days = timezone.now() - timedelta(days=8)
    Signal.objects.filter(pk=old.pk).update(detected_at=eight_days)
    Signal.objects.filter(pk=young.pk).update(detected_at=timezone.now() - timedelta(days=6))
    for person in (ward_member, qi_coach):
        items = selectors.signals_to_review_for(person, today)
        assert [i.key for i in items] == [f"signal:{old.pk}"]
    assert "September 2026 is waiting for a review" in items[0].text
    assert selectors.signals_to_review_for(other_org_member, today) == []
    assert selectors.signals_to_review_for(org_lead, today) == []
    Signal.objects.filter(pk=old.pk).update(reviewed_at=timezone.now())
    assert selectors.signals_to_review_for(ward_member, today) == []
