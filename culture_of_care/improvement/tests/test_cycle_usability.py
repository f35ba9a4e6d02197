"""What new users tripped on in PDSA cycles (issue 15, item 8): the study shows the predictions,
"save and move on" moves on, lived-experience involvement is asked, a cycle names the measures
it aims to move (and is marked on those charts only), cycles stuck at a stage are flagged, and a
cycle with no dates reads naturally."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement.charts import selectors as chart_selectors
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.models import CycleStatus, PDSACycle
from culture_of_care.improvement.tests.chart_factories import (
    ChangeIdeaFactory,
    MeasureFactory,
    PDSACycleFactory,
    add_series,
)

pytestmark = pytest.mark.django_db

PLAN = {
    "title": "Morning community meeting",
    "purpose": "test",
    "objective": "See if a patient-chaired meeting calms mornings",
    "predictions": "Fewer incidents before lunch",
}


def test_study_stage_shows_the_predictions_it_compares_against(client_for, ward_member, project):
    cycle = PDSACycleFactory(
        change_idea__project=project,
        status=CycleStatus.STUDY,
        questions="Will mornings be calmer?",
        predictions="Two fewer incidents a week before lunch",
    )
    page = client_for(ward_member).get(reverse("improvement:cycle_stage", args=[cycle.pk, "study"]))
    assert "What you predicted in the plan" in page.text
    assert "Two fewer incidents a week before lunch" in page.text
    assert "Will mornings be calmer?" in page.text


def test_save_and_move_on_goes_to_the_next_stage(client_for, ward_member, project):
    cycle = PDSACycleFactory(change_idea__project=project, status=CycleStatus.DO)
    client = client_for(ward_member)
    response = client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "do"]),
        {"carried_out_as_planned": "yes", "what_happened": "Held every day"},
    )
    assert response["Location"] == reverse("improvement:cycle_stage", args=[cycle.pk, "study"])
    response = client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "study"]),
        {"results": "Two incidents instead of five", "learning": "Timing matters"},
    )
    assert response["Location"] == reverse("improvement:cycle_act", args=[cycle.pk])
    # Correcting the do stage while studying stays on the study, the stage the cycle is at.
    response = client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "do"]),
        {"carried_out_as_planned": "yes", "what_happened": "Held every day but one"},
    )
    assert response["Location"] == reverse("improvement:cycle", args=[cycle.pk])


def test_lived_experience_involvement_is_asked_not_assumed(client_for, ward_member, project):
    idea = ChangeIdeaFactory(project=project)
    client = client_for(ward_member)
    url = reverse("improvement:cycle_add", args=[idea.pk])
    page = client.get(url).text
    assert 'name="involvement"' in page
    assert "checked" not in page.split('name="involvement"')[1].split(">")[0]
    assert ">None<" not in page
    response = client.post(url, PLAN)
    assert response.status_code == 200
    assert "Say how people with lived experience are involved in this cycle." in response.text
    assert not PDSACycle.objects.filter(change_idea=idea).exists()
    response = client.post(url, {**PLAN, "involvement": "none"})
    assert response.status_code == 302
    assert PDSACycle.objects.get(change_idea=idea).involvement == "none"


def test_a_cycle_names_its_measures_and_is_marked_on_their_charts_only(
    client_for, ward_member, project, ward
):
    aimed, other = MeasureFactory(name="Restraint"), MeasureFactory(name="Seclusion")
    add_series(aimed, ward, [10] * 8)
    add_series(other, ward, [10] * 8)
    idea = ChangeIdeaFactory(project=project)
    client = client_for(ward_member)
    page = client.get(reverse("improvement:cycle_add", args=[idea.pk])).text
    assert "Measures this cycle aims to move" in page and "Restraint" in page
    client.post(
        reverse("improvement:cycle_add", args=[idea.pk]),
        {**PLAN, "involvement": "co_designed", "measures": [aimed.pk]},
    )
    cycle = PDSACycle.objects.get(change_idea=idea)
    assert list(cycle.measures.all()) == [aimed]
    cycle.started_on = date(2024, 3, 10)
    cycle.save()
    # An untargeted cycle on the same ward is marked on every chart.
    PDSACycleFactory(change_idea=idea, number=2, started_on=date(2024, 5, 3), title="Everywhere")
    scope = Scope.for_ward(ward)
    on_aimed = [a.text for a in chart_selectors.chart_for(scope, aimed).annotations]
    on_other = [a.text for a in chart_selectors.chart_for(scope, other).annotations]
    assert any("Morning community meeting" in t for t in on_aimed)
    assert any("Everywhere" in t for t in on_aimed)
    assert not any("Morning community meeting" in t for t in on_other)
    assert any("Everywhere" in t for t in on_other)
    detail = client.get(reverse("improvement:cycle", args=[cycle.pk])).text
    assert "Measures it aims to move" in detail and "Restraint" in detail

    # Changing the measures is in the change history, by name.
    client.post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "plan"]),
        {**PLAN, "involvement": "co_designed", "measures": [aimed.pk, other.pk]},
    )
    entry = AuditEntry.objects.filter(action="pdsa_cycle.plan").latest("at")
    assert entry.changes["measures"] == ["Restraint", "Restraint, Seclusion"]


def test_an_adapted_cycle_keeps_aiming_at_the_same_measures(client_for, ward_member, project):
    aimed = MeasureFactory(name="Restraint")
    cycle = PDSACycleFactory(
        change_idea__project=project, status=CycleStatus.ACT, results="r", learning="l"
    )
    cycle.measures.set([aimed])
    client_for(ward_member).post(
        reverse("improvement:cycle_act", args=[cycle.pk]),
        {"decision": "adapt", "next_step": "Move it to 10am"},
    )
    assert list(PDSACycle.objects.get(previous=cycle).measures.all()) == [aimed]


@override_settings(PDSA_STAGE_STUCK_DAYS=42)
def test_cycles_sitting_at_one_stage_too_long_are_flagged(client_for, ward_member, project):
    stuck = PDSACycleFactory(change_idea__project=project, status=CycleStatus.DO, title="Stuck")
    moving = PDSACycleFactory(
        change_idea__project=project, number=2, status=CycleStatus.DO, title="Moving"
    )
    long_ago = timezone.now() - timedelta(days=60)
    PDSACycle.objects.filter(pk=stuck.pk).update(created_at=long_ago)
    client = client_for(ward_member)
    listing = client.get(reverse("improvement:cycles", args=[project.pk])).text
    since = f"Waiting since {timezone.localtime(long_ago):%-d %b %Y}"
    assert listing.count(since) == 1
    row = [r for r in listing.split("<tr") if "Stuck" in r][0]
    assert since in row
    assert "Waiting since" not in [r for r in listing.split("<tr") if "Moving" in r][0]
    detail = client.get(reverse("improvement:cycle", args=[stuck.pk])).text
    assert "Waiting a long time at this stage" in detail
    assert "more than 42 days" in detail
    fresh = client.get(reverse("improvement:cycle", args=[moving.pk])).text
    assert "Waiting a long time at this stage" not in fresh


def test_a_cycle_with_no_dates_reads_naturally(client_for, ward_member, project):
    cycle = PDSACycleFactory(change_idea__project=project)
    client = client_for(ward_member)
    for url in (
        reverse("improvement:cycle", args=[cycle.pk]),
        reverse("improvement:cycles", args=[project.pk]),
    ):
        page = client.get(url).text
        assert "No dates planned yet" in page
        assert "None" not in page.replace("None chosen", "")
        assert "- to -" not in page and "not set" not in page
    cycle.planned_start = date(2026, 3, 2)
    assert cycle.planned_dates == "From 2 March 2026, end not planned yet"
    cycle.planned_end = date(2026, 3, 16)
    assert cycle.planned_dates == "2 March 2026 to 16 March 2026"


# --- Dates typed the NHS.UK way (issue 15, item 14) ------------------------------------------


def test_cycle_dates_use_the_nhs_date_input(client_for, ward_member, project):
    idea = ChangeIdeaFactory(project=project)
    client = client_for(ward_member)
    url = reverse("improvement:cycle_add", args=[idea.pk])
    page = client.get(url).text
    fieldset = page.split('<legend class="nhsuk-fieldset__legend">Planned start</legend>')[1]
    fieldset = fieldset.split("</fieldset>")[0]
    assert "For example, 15 3 2026" in fieldset
    for part in ("day", "month", "year"):
        assert f'name="planned_start_{part}"' in fieldset
    assert 'type="date"' not in page
    assert 'role="group"' in page

    plan = {**PLAN, "involvement": "none"}
    response = client.post(
        url,
        {
            **plan,
            "planned_start_day": "2",
            "planned_start_month": "3",
            "planned_start_year": "2026",
            "planned_end_day": "16",
            "planned_end_month": "3",
            "planned_end_year": "2026",
        },
    )
    assert response.status_code == 302
    cycle = PDSACycle.objects.get(change_idea=idea)
    assert (cycle.planned_start, cycle.planned_end) == (date(2026, 3, 2), date(2026, 3, 16))
    edit = client.get(reverse("improvement:cycle_stage", args=[cycle.pk, "plan"])).text
    assert 'name="planned_start_day" type="text" inputmode="numeric" value="2"' in edit


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "first_wrong"),
    [
        ("2", "", "2026", "Planned start must include a month.", "month"),
        ("", "", "2026", "Planned start must include a day and a month.", "day"),
        ("31", "2", "2026", "Planned start must be a real date.", "day"),
        ("2", "13", "2026", "Planned start must be a real date.", "month"),
        ("2", "3", "26", "Planned start: the year must have 4 numbers.", "year"),
    ],
)
def test_a_date_typed_wrongly_says_which_part_to_put_right(
    client_for, ward_member, project, day, month, year, message, first_wrong
):
    idea = ChangeIdeaFactory(project=project)
    response = client_for(ward_member).post(
        reverse("improvement:cycle_add", args=[idea.pk]),
        {
            **PLAN,
            "involvement": "none",
            "planned_start_day": day,
            "planned_start_month": month,
            "planned_start_year": year,
        },
    )
    assert response.status_code == 200
    assert message in response.text
    # The error summary links to the part to put right, which is marked in error; what was
    # typed is kept.
    assert f'href="#id_planned_start_{first_wrong}"' in response.text
    assert f'nhsuk-input--error" id="id_planned_start_{first_wrong}"' in response.text
    assert f'name="planned_start_year" type="text" inputmode="numeric" value="{year}"' in (
        response.text
    )
    assert not PDSACycle.objects.filter(change_idea=idea).exists()


def test_no_form_in_the_qi_pages_shows_django_dashes(client_for, ward_member, project):
    idea = ChangeIdeaFactory(project=project)
    cycle = PDSACycleFactory(change_idea=idea)
    client = client_for(ward_member)
    for url in (
        reverse("improvement:cycle_add", args=[idea.pk]),
        reverse("improvement:cycle_stage", args=[cycle.pk, "plan"]),
        reverse("improvement:change_idea_add", args=[project.pk]),
        reverse("improvement:project_edit", args=[project.pk]),
        reverse("improvement:measure_add", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "---------" not in response.text, url
