"""The learning library: shared on purpose, anonymous unless the ward opts in, searchable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement.models import ChangeIdea, CycleStatus
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    CompletedCycleFactory,
    PDSACycleFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(other_project):
    idea = ChangeIdeaFactory(project=other_project, title="Patient-chaired community meeting")
    return CompletedCycleFactory(change_idea=idea, shared=True, learning="Patients chairing it")


def test_sharing_is_off_until_the_ward_chooses(client_for, ward_member, project):
    cycle = CompletedCycleFactory(change_idea=ChangeIdeaFactory(project=project))
    client = client_for(ward_member)
    assert cycle.title not in client.get(reverse("improvement:library")).text
    client.post(reverse("improvement:cycle_share", args=[cycle.pk]), {"shared": "on"})
    cycle.refresh_from_db()
    assert cycle.shared and not cycle.share_ward_name
    assert cycle.change_idea.title in client.get(reverse("improvement:library")).text


def test_an_unfinished_cycle_cannot_be_shared(client_for, ward_member, project):
    cycle = PDSACycleFactory(change_idea=ChangeIdeaFactory(project=project))
    client_for(ward_member).post(
        reverse("improvement:cycle_share", args=[cycle.pk]), {"shared": "on"}
    )
    cycle.refresh_from_db()
    assert not cycle.shared


def test_shared_cycles_show_no_ward_name_unless_opted_in(client_for, ward_member, shared):
    client = client_for(ward_member)
    ward = shared.ward
    for url in (
        reverse("improvement:library"),
        reverse("improvement:library_cycle", args=[shared.pk]),
    ):
        page = client.get(url).text
        assert "Patient-chaired community meeting" in page
        assert ward.name not in page
        assert ward.organisation.name not in page
        assert ward.service_type.name in page
        assert "North West" in page
    shared.share_ward_name = True
    shared.save()
    assert ward.name in client.get(reverse("improvement:library_cycle", args=[shared.pk])).text


def test_unshared_cycles_of_others_are_404(client_for, ward_member, other_project):
    cycle = CompletedCycleFactory(change_idea=ChangeIdeaFactory(project=other_project))
    assert (
        client_for(ward_member)
        .get(reverse("improvement:library_cycle", args=[cycle.pk]))
        .status_code
        == 404
    )


def test_search_by_text_and_decision(client_for, ward_member, shared, other_project):
    other = CompletedCycleFactory(
        change_idea=ChangeIdeaFactory(project=other_project, title="Sensory room at night"),
        shared=True,
        decision="abandon",
        learning="Nobody used it",
    )
    client = client_for(ward_member)
    page = client.get(reverse("improvement:library"), {"q": "chairing"}).text
    assert "Patient-chaired community meeting" in page and "Sensory room at night" not in page
    page = client.get(reverse("improvement:library"), {"decision": "abandon"}).text
    assert "Sensory room at night" in page and "Patient-chaired" not in page
    assert other.pk


def test_start_a_change_idea_on_your_own_ward_from_a_shared_cycle(
    client_for, ward_member, project, shared
):
    response = client_for(ward_member).post(
        reverse("improvement:library_start", args=[shared.pk]), {"project": project.pk}
    )
    idea = ChangeIdea.objects.get(project=project)
    assert response.status_code == 302
    assert idea.title == "Patient-chaired community meeting"
    assert idea.ward == project.ward


def test_cannot_start_an_idea_on_another_organisations_project(
    client_for, ward_member, project, shared
):
    foreign = ProjectFactory()
    response = client_for(ward_member).post(
        reverse("improvement:library_start", args=[shared.pk]), {"project": foreign.pk}
    )
    assert response.status_code == 200
    assert not ChangeIdea.objects.filter(project=foreign).exists()


def test_library_query_count(client_for, ward_member, other_project, django_assert_max_num_queries):
    for n in range(3):
        CompletedCycleFactory(
            change_idea=ChangeIdeaFactory(project=other_project), shared=True, number=n + 1
        )
    client = client_for(ward_member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("improvement:library"))
    assert response.text.count("nhsuk-card__link") == 3
    assert CycleStatus.COMPLETE
