"""Project pages, list query counts, onboarding helpers, panels and digest reminders."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.models import Measure, Project, ProjectKind
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    CompletedCycleFactory,
    DataPointFactory,
    PDSACycleFactory,
    ProjectFactory,
)
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def test_ward_project_ensure_is_idempotent_and_brings_the_team(ward, ward_member):
    first = services.ward_project_ensure(ward=ward)
    again = services.ward_project_ensure(ward=ward)
    assert first == again
    assert Project.objects.filter(ward=ward).count() == 1
    assert list(first.team.all()) == [ward_member]
    assert first.change_theory.level == "ward"


@pytest.mark.parametrize("page", ["improvement:ward_project", "improvement:ward_data"])
def test_opening_a_wards_pages_never_creates_its_project(client_for, ward, ward_member, page):
    response = client_for(ward_member).get(reverse(page, args=[ward.pk]))
    assert response.status_code == 404
    assert "Willow Ward has no improvement project yet" in response.text
    assert not Project.objects.exists()
    services.ward_project_ensure(ward=ward)  # as onboarding does
    assert client_for(ward_member).get(reverse(page, args=[ward.pk])).status_code == 302


def test_opening_the_middle_tier_page_never_creates_the_project(client_for, org, org_lead):
    url = reverse("improvement:organisation_project", args=[org.ods_code])
    response = client_for(org_lead).get(url)
    assert response.status_code == 404
    assert "has no improvement project yet" in response.text
    assert not Project.objects.exists()


def test_organisation_project_ensure(org, org_lead):
    project = services.organisation_project_ensure(organisation=org)
    assert services.organisation_project_ensure(organisation=org) == project
    assert project.kind == ProjectKind.ORGANISATION and project.ward is None
    assert project.change_theory.level == "organisation"
    assert list(project.team.all()) == [org_lead]


def test_project_page_shows_aim_team_and_lived_experience_count(client_for, ward_member, project):
    from tests.factories import UserFactory

    project.team.add(ward_member, UserFactory(full_name="Pat Peer", lived_experience=True))
    page = client_for(ward_member).get(reverse("improvement:project", args=[project.pk])).text
    assert "Reduce restrictive practice" in page
    assert "2 members, 1 bringing lived experience" in page
    assert "Restrictive practice episodes per 1000 occupied bed days" in page


def test_ward_member_sets_the_aim_and_chooses_measures(client_for, ward_member, project):
    safe = Measure.objects.get(code="feel_safe")
    response = client_for(ward_member).post(
        reverse("improvement:project_edit", args=[project.pk]),
        {
            "aim_what": "Fewer restraints",
            "aim_how_much": "Half",
            "aim_by_when_day": "30",
            "aim_by_when_month": "6",
            "aim_by_when_year": "2027",
            "change_theory": project.change_theory_id,
            "team": [ward_member.pk],
            "measures": [safe.pk],
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.aim_how_much == "Half"
    assert list(project.measures.all()) == [safe]


def test_aim_date_in_the_past_is_refused(client_for, ward_member, project):
    response = client_for(ward_member).post(
        reverse("improvement:project_edit", args=[project.pk]),
        {
            "aim_what": "x",
            "aim_how_much": "y",
            "aim_by_when_day": "1",
            "aim_by_when_month": "1",
            "aim_by_when_year": "2020",
        },
    )
    assert "must be in the future" in response.text


def test_add_a_local_measure(client_for, ward_member, project):
    response = client_for(ward_member).post(
        reverse("improvement:measure_add", args=[project.pk]),
        {
            "name": "Community meetings held",
            "type": "process",
            "definition": "Meetings chaired by a patient",
            "kind": "percentage",
            "numerator_label": "Meetings held",
            "denominator_label": "Days in the month",
            "multiplier": "100",
            "improvement": "increase",
            "frequency": "monthly",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(name="Community meetings held")
    assert measure.organisation_id == project.organisation_id and measure.project == project
    assert project.measures.filter(pk=measure.pk).exists()


def test_local_change_idea_needs_a_secondary_driver(client_for, ward_member, project):
    client = client_for(ward_member)
    url = reverse("improvement:change_idea_add", args=[project.pk])
    response = client.post(url, {"title": "a pet therapy visit"})
    assert "Choose the secondary driver" in response.text
    driver = project.change_theory.nodes.get(code="ward-s-activities")
    client.post(url, {"title": "a pet therapy visit", "drivers": [driver.pk]})
    idea = project.change_ideas.get()
    assert idea.origin == "local" and list(idea.drivers.all()) == [driver]


def test_cycle_list_and_timeline_query_counts(
    client_for, ward_member, project, django_assert_max_num_queries
):
    for n in range(3):
        idea = ChangeIdeaFactory(project=project)
        PDSACycleFactory(change_idea=idea, planned_start=date(2026, 1 + n, 1))
        CompletedCycleFactory(change_idea=idea, number=2, started_on=date(2026, 2 + n, 3))
    client = client_for(ward_member)
    url = reverse("improvement:cycles", args=[project.pk])
    with django_assert_max_num_queries(10):
        page = client.get(url).text
    assert page.count("improvement/cycles/") >= 6
    with django_assert_max_num_queries(10):
        page = client.get(url, {"view": "timeline"}).text
    assert page.index("January 2026") < page.index("March 2026")


def test_organisation_sees_all_its_wards_cycles(
    client_for, org_lead, project, org, django_assert_max_num_queries
):
    second = ProjectFactory(ward=WardFactory(organisation=org, name="Rowan Ward"))
    PDSACycleFactory(change_idea=ChangeIdeaFactory(project=project))
    PDSACycleFactory(change_idea=ChangeIdeaFactory(project=second))
    org_project = services.organisation_project_ensure(organisation=org)
    client = client_for(org_lead)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("improvement:cycles", args=[org_project.pk])).text
    assert "Willow Ward" in page and "Rowan Ward" in page


def test_project_and_data_pages_query_counts(
    client_for, ward_member, project, django_assert_max_num_queries
):
    ChangeIdeaFactory(project=project)
    ChangeIdeaFactory(project=project)
    for month in range(1, 4):
        DataPointFactory(ward=project.ward, period_start=date(2026, month, 1))
    client = client_for(ward_member)
    with django_assert_max_num_queries(14):
        client.get(reverse("improvement:project", args=[project.pk]))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("improvement:data", args=[project.pk]), {"start": "2025-12"}).text
    assert 'value="500"' in page


def test_suggested_score_reads_the_evidence(project):
    from culture_of_care.improvement.models import Signal

    assert selectors.suggested_score(project).score == 1.0
    for month in range(1, 13):
        DataPointFactory(ward=project.ward, period_start=date(2025, month, 1))
    assert selectors.suggested_score(project).score == 2.0
    CompletedCycleFactory(change_idea=ChangeIdeaFactory(project=project, status="adopted"))
    assert selectors.suggested_score(project).score == 3.0
    Signal.objects.create(
        organisation=project.organisation,
        ward=project.ward,
        measure=Measure.objects.get(code="rp_all"),
        period_start=date(2026, 1, 1),
        special_cause="improvement",
        rule="shift",
    )
    suggestion = selectors.suggested_score(project)
    assert suggestion.score == 3.5
    assert "A measure shows special-cause improvement." in suggestion.reasons


def test_ward_page_panel(client_for, ward_member, project):
    idea = ChangeIdeaFactory(project=project, status="testing", title="a calm room")
    PDSACycleFactory(change_idea=idea)
    page = client_for(ward_member).get(reverse("wards:detail", args=[project.ward_id])).text
    assert "Improvement project" in page
    assert "a calm room" in page
    assert reverse("improvement:data", args=[project.pk]) in page
