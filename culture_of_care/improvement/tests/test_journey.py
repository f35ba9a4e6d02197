"""The ward team's weekly journey: a change idea, a cycle through plan-do-study-act, adapting it
into the next cycle, a month of data (first with a mistake), and the coach's progress score."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement.models import (
    ChangeIdea,
    ChangeIdeaStatus,
    CycleStatus,
    DataPoint,
    DriverNode,
    Measure,
    PDSACycle,
    ProgressScore,
)
from culture_of_care.periods import add_months, month_start

pytestmark = pytest.mark.django_db


def test_ward_member_runs_a_cycle_and_adapts_it_into_the_next(client_for, ward_member, project):
    client = client_for(ward_member)
    node = DriverNode.objects.get(code="ward-c-community-meeting", theory=project.change_theory)

    response = client.post(
        reverse("improvement:change_idea_add", args=[project.pk]),
        {"national_node": node.pk, "title": "", "description": ""},
    )
    idea = ChangeIdea.objects.get(project=project)
    assert response.status_code == 302
    assert idea.national_node == node
    assert idea.drivers.filter(code="ward-s-coproduction").exists()

    # Plan without a prediction: the cycle is saved but cannot start.
    response = client.post(
        reverse("improvement:cycle_add", args=[idea.pk]),
        {
            "title": "Morning community meeting",
            "purpose": "test",
            "objective": "See if a patient-chaired meeting calms mornings",
            "involvement": "co_designed",
            "involvement_notes": "Two patients planned the agenda",
        },
    )
    cycle = PDSACycle.objects.get(change_idea=idea)
    assert response.status_code == 302
    response = client.post(reverse("improvement:cycle_start", args=[cycle.pk]))
    assert response.status_code == 400
    assert "what you predict will happen" in response.text
    assert response.text.count("Error: ") == 1  # in the page title
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLAN

    client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "plan"]),
        {
            "title": "Morning community meeting",
            "purpose": "test",
            "objective": "See if a patient-chaired meeting calms mornings",
            "predictions": "Fewer incidents before lunch",
            "involvement": "co_designed",
            "participants": [ward_member.pk],
        },
    )
    response = client.post(reverse("improvement:cycle_start", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DO
    assert list(cycle.participants.all()) == [ward_member]
    idea.refresh_from_db()
    assert idea.status == ChangeIdeaStatus.TESTING

    client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "do"]),
        {"carried_out_as_planned": "no", "what_happened": "Held on 4 of 5 days"},
    )
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.STUDY
    assert cycle.carried_out_as_planned is False

    client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "study"]),
        {"results": "Two incidents instead of five", "learning": "Timing matters"},
    )
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ACT

    response = client.post(
        reverse("improvement:cycle_act", args=[cycle.pk]),
        {"decision": "adapt", "next_step": "Move the meeting to 10am"},
    )
    cycle.refresh_from_db()
    next_cycle = PDSACycle.objects.get(previous=cycle)
    assert cycle.status == CycleStatus.COMPLETE
    assert next_cycle.number == 2
    assert next_cycle.status == CycleStatus.PLAN
    assert next_cycle.objective == "Move the meeting to 10am"
    assert next_cycle.involvement == "co_designed"
    assert response["Location"] == reverse("improvement:cycle_stage", args=[next_cycle.pk, "plan"])
    page = client.get(reverse("improvement:cycle", args=[cycle.pk])).text
    assert "Adapt" in page
    assert "cycle 2" in page


def test_abandon_needs_a_reason_and_adopt_marks_the_idea(client_for, ward_member, project):
    from culture_of_care.improvement.tests.factories import ChangeIdeaFactory, PDSACycleFactory

    idea = ChangeIdeaFactory(project=project)
    cycle = PDSACycleFactory(change_idea=idea, status=CycleStatus.ACT, results="r", learning="l")
    client = client_for(ward_member)
    response = client.post(
        reverse("improvement:cycle_act", args=[cycle.pk]), {"decision": "abandon"}
    )
    assert "Say why you are abandoning this change idea." in response.text
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ACT

    client.post(
        reverse("improvement:cycle_act", args=[cycle.pk]),
        {"decision": "abandon", "abandon_reason": "Staff could not keep to it"},
    )
    idea.refresh_from_db()
    cycle.refresh_from_db()
    assert idea.status == ChangeIdeaStatus.ABANDONED
    assert cycle.abandon_reason == "Staff could not keep to it"

    idea2 = ChangeIdeaFactory(project=project)
    cycle2 = PDSACycleFactory(change_idea=idea2, status=CycleStatus.ACT, results="r", learning="l")
    client.post(reverse("improvement:cycle_act", args=[cycle2.pk]), {"decision": "adopt"})
    idea2.refresh_from_db()
    assert idea2.status == ChangeIdeaStatus.ADOPTED


def _last_month() -> date:
    return add_months(month_start(timezone.localdate()), -1)


def test_a_month_of_data_with_one_mistake_saves_nothing_then_saves(
    client_for, ward_member, project, django_capture_on_commit_callbacks
):
    client = client_for(ward_member)
    rp = Measure.objects.get(code="rp_all")
    safe = Measure.objects.get(code="feel_safe")
    month = _last_month()
    key = f"{month:%Y-%m}"
    url = reverse("improvement:data", args=[project.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            f"n-{rp.pk}-{key}": "4",
            f"d-{rp.pk}-{key}": "500",
            f"n-{safe.pk}-{key}": "12",
            f"d-{safe.pk}-{key}": "10",  # more patients feeling safe than answered
        },
    )
    assert response.status_code == 200
    assert "nothing has been saved" in response.text
    assert "cannot be more than" in response.text
    assert response.text.startswith("<!DOCTYPE html>") and "<title>Error: " in response.text
    assert not DataPoint.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                f"n-{rp.pk}-{key}": "4",
                f"d-{rp.pk}-{key}": "500",
                f"n-{safe.pk}-{key}": "8",
                f"d-{safe.pk}-{key}": "10",
            },
        )
    assert response.status_code == 302
    assert DataPoint.objects.filter(ward=project.ward).count() == 2
    entry = AuditEntry.objects.get(action="data_points.save")
    assert entry.actor == ward_member
    # The history names the measure and the month, not their codes.
    assert entry.changes[f"{safe.name}, {month:%B %Y}"]["numerator"] == ["", "8"]

    # Correcting a value keeps the old and new value in the history shown on the page.
    client.post(url, {f"n-{rp.pk}-{key}": "5", f"d-{rp.pk}-{key}": "500"})
    page = client.get(url).text
    assert f"{rp.name}, {month:%B %Y}: 4 / 500 to 5 / 500" in page
    assert "rp_all" not in page.split("Change history")[1]


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("-1", "500", "cannot be negative"),
        ("abc", "500", "must be a number"),
        ("3", "9999", "cannot be more than 558"),  # 18 beds x 31 days
        ("3", "", "enter occupied bed days"),
    ],
)
def test_grid_refuses_wrong_values(
    client_for, ward_member, project, numerator, denominator, message
):
    rp = Measure.objects.get(code="rp_all")
    month = date(2026, 1, 1)
    response = client_for(ward_member).post(
        reverse("improvement:data", args=[project.pk]),
        {f"n-{rp.pk}-2026-01": numerator, f"d-{rp.pk}-2026-01": denominator},
    )
    assert message in response.text
    assert not DataPoint.objects.filter(period_start=month).exists()


def test_future_month_is_refused(client_for, ward_member, project):
    future = add_months(month_start(timezone.localdate()), 2)
    response = client_for(ward_member).post(
        reverse("improvement:data", args=[project.pk]),
        {"pasted": f"rp_all\t{future:%Y-%m}\t3\t400"},
    )
    assert "is in the future" in response.text
    assert not DataPoint.objects.exists()


def test_paste_from_a_spreadsheet(client_for, ward_member, project):
    text = (
        "measure\tmonth\tnumerator\tdenominator\nrp_all\t2026-01\t3\t450\nrp_all\t2026-02\t2\t420\n"
    )
    client_for(ward_member).post(reverse("improvement:data", args=[project.pk]), {"pasted": text})
    values = dict(
        DataPoint.objects.filter(ward=project.ward).values_list("period_start", "numerator")
    )
    assert values == {date(2026, 1, 1): 3, date(2026, 2, 1): 2}


def test_ethnicity_groups_must_add_up_to_the_total(client_for, ward_member, project):
    rp = Measure.objects.get(code="rp_all")
    url = reverse("improvement:data_groups", args=[project.pk, rp.pk, "2026-01"])
    client = client_for(ward_member)
    response = client.post(url, {"n-all": "6", "d-all": "500", "n-white": "2", "n-black": "3"})
    assert "add up to 5 but the total is 6" in response.text
    assert not DataPoint.objects.exists()
    client.post(url, {"n-all": "6", "d-all": "500", "n-white": "3", "n-black": "3"})
    assert DataPoint.objects.filter(equity_group="black", numerator=3).exists()
    assert DataPoint.objects.filter(equity_group="", numerator=6).exists()


def test_coach_records_a_progress_score_and_sees_a_suggestion(client_for, qi_coach, project):
    client = client_for(qi_coach)
    url = reverse("improvement:scores", args=[project.pk])
    page = client.get(url).text
    assert "Suggested from the evidence" in page
    month = month_start(timezone.localdate())
    response = client.post(
        url,
        {"scored_by": "coach", "month": f"{month:%Y-%m}", "score": "2.0", "rationale": "Baseline"},
    )
    assert response.status_code == 302
    score = ProgressScore.objects.get(project=project)
    assert (score.scored_by, str(score.score), score.recorded_by) == ("coach", "2.0", qi_coach)
    assert "Baseline" in client.get(url).text


def test_team_cannot_record_the_coach_score(client_for, ward_member, project):
    response = client_for(ward_member).post(
        reverse("improvement:scores", args=[project.pk]),
        {"scored_by": "coach", "month": "2026-01", "score": "4.0", "rationale": "We did well"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not ProgressScore.objects.exists()
    client_for(ward_member).post(
        reverse("improvement:scores", args=[project.pk]),
        {"scored_by": "team", "month": "2026-01", "score": "2.5", "rationale": "Testing"},
    )
    assert ProgressScore.objects.get().scored_by == "team"


def test_executive_cannot_record_scores(client_for, executive, project):
    response = client_for(executive).post(
        reverse("improvement:scores", args=[project.pk]),
        {"scored_by": "team", "month": "2026-01", "score": "2.5", "rationale": "x"},
    )
    assert response.status_code == 403
