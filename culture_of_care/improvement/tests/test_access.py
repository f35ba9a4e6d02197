"""Every QI page against the personas: another organisation gets 404, a role that may only read
gets 403 on pages that change things, and anonymous visitors are sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement import services
from culture_of_care.improvement.models import Measure
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    CompletedCycleFactory,
    PDSACycleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(project, org):
    services.organisation_project_ensure(organisation=org)  # as onboarding does
    idea = ChangeIdeaFactory(project=project)
    cycle = PDSACycleFactory(change_idea=idea)
    done = CompletedCycleFactory(change_idea=idea, number=2)
    return {
        "project": project,
        "idea": idea,
        "cycle": cycle,
        "done": done,
        "ward": project.ward,
        "org": org,
        "measure": Measure.objects.get(code="rp_all"),
    }


# Pages that read (any role reaching the ward sees them).
READ_URLS = [
    ("improvement:ward_project", lambda o: [o["ward"].pk]),
    ("improvement:ward_data", lambda o: [o["ward"].pk]),
    ("improvement:project", lambda o: [o["project"].pk]),
    ("improvement:cycles", lambda o: [o["project"].pk]),
    ("improvement:scores", lambda o: [o["project"].pk]),
    ("improvement:data", lambda o: [o["project"].pk]),
    ("improvement:data_groups", lambda o: [o["project"].pk, o["measure"].pk, "2026-01"]),
    ("improvement:change_idea", lambda o: [o["idea"].pk]),
    ("improvement:cycle", lambda o: [o["cycle"].pk]),
]
# Pages that change things (only the ward team, its coach and the organisation lead).
EDIT_URLS = [
    ("improvement:project_edit", lambda o: [o["project"].pk]),
    ("improvement:measure_add", lambda o: [o["project"].pk]),
    ("improvement:change_idea_add", lambda o: [o["project"].pk]),
    ("improvement:cycle_add", lambda o: [o["idea"].pk]),
    ("improvement:cycle_stage", lambda o: [o["cycle"].pk, "plan"]),
    ("improvement:cycle_act", lambda o: [o["cycle"].pk]),
    ("improvement:upload", lambda o: [o["org"].ods_code]),
]
POST_URLS = [
    ("improvement:change_idea_status", lambda o: [o["idea"].pk]),
    ("improvement:cycle_start", lambda o: [o["cycle"].pk]),
    ("improvement:cycle_share", lambda o: [o["done"].pk]),
    ("improvement:data", lambda o: [o["project"].pk]),
]
POST_ONLY = {
    "improvement:change_idea_status",
    "improvement:cycle_start",
    "improvement:cycle_share",
}
ORG_URLS = [("improvement:organisation_project", lambda o: [o["org"].ods_code])]
ALL = READ_URLS + EDIT_URLS + ORG_URLS


@pytest.mark.parametrize(("name", "args"), ALL, ids=[n for n, _ in ALL])
def test_ward_member_can_open_every_page_of_their_own_ward(
    name, args, objects, client_for, ward_member, org_lead
):
    user = (
        org_lead
        if name in ("improvement:upload", "improvement:organisation_project")
        else ward_member
    )
    response = client_for(user).get(reverse(name, args=args(objects)), follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "args"), ALL + POST_URLS, ids=[n for n, _ in ALL + POST_URLS])
def test_another_organisation_gets_404(name, args, objects, client_for, other_org_member):
    client = client_for(other_org_member)
    url = reverse(name, args=args(objects))
    if name not in POST_ONLY:
        assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"), EDIT_URLS + POST_URLS, ids=[n for n, _ in EDIT_URLS + POST_URLS]
)
def test_read_only_role_gets_403(name, args, objects, client_for, executive):
    client = client_for(executive)
    url = reverse(name, args=args(objects))
    if (name, args) in EDIT_URLS:
        assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize(("name", "args"), ALL + POST_URLS, ids=[n for n, _ in ALL + POST_URLS])
def test_anonymous_is_sent_to_sign_in(name, args, objects, client):
    response = client.get(reverse(name, args=args(objects)))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_ward_member_cannot_open_the_middle_tier_project(objects, client_for, ward_member):
    url = reverse("improvement:organisation_project", args=[objects["org"].ods_code])
    assert client_for(ward_member).get(url).status_code == 404


def test_coach_cannot_upload_for_the_whole_organisation(objects, client_for, qi_coach):
    url = reverse("improvement:upload", args=[objects["org"].ods_code])
    assert client_for(qi_coach).get(url).status_code == 403


def test_library_needs_a_role(client_for, no_role_user):
    assert client_for(no_role_user).get(reverse("improvement:library")).status_code == 403


def test_theory_editing_is_for_programme_admins(client_for, org_lead):
    from culture_of_care.improvement.models import ChangeTheory

    theory = ChangeTheory.objects.get(level="ward", status="published")
    client = client_for(org_lead)
    assert client.get(reverse("improvement:theory", args=[theory.pk])).status_code == 200
    assert (
        client.post(reverse("improvement:theory_new_version", args=[theory.pk])).status_code == 403
    )
    assert client.get(reverse("improvement:node_add", args=[theory.pk])).status_code == 403
