"""Issue 15 item 4: the executive coached reads their own sessions' shared summary and the
actions agreed with them, never the coaches' confidential notes, and marks their actions done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import Action, ActionStatus
from coaching.tests.factories import ActionFactory, ExecutiveFactory, ExecutiveSessionFactory
from culture_of_care.accounts.roles import Role
from tests.factories import user_with_role

NOTES = "worried about the board chair"
SUMMARY = "Board culture and psychological safety"


@pytest.fixture
def coached(org, executive, leadership_coach):
    """A session with ``executive`` (linked to their login), one with a colleague."""
    me = ExecutiveFactory(organisation=org, user=executive, name="Eve Exec")
    colleague = ExecutiveFactory(organisation=org, name="Col League")
    mine = ExecutiveSessionFactory(organisation=org)
    mine.executives.set([me])
    mine.coaches.set([leadership_coach])
    theirs = ExecutiveSessionFactory(organisation=org, shared_summary="Someone else's summary")
    theirs.executives.set([colleague])
    mine_action = ActionFactory(
        organisation=org, session=mine, description="Walk the wards monthly", owner_role=""
    )
    theirs_action = ActionFactory(organisation=org, session=theirs, description="Their action")
    return mine, theirs, mine_action, theirs_action


def test_executive_reads_own_summary_and_actions_never_the_notes(client_for, executive, coached):
    mine, theirs, mine_action, theirs_action = coached
    client = client_for(executive)

    page = client.get(reverse("coaching:session_detail", args=[mine.pk]))
    assert page.status_code == 200
    assert SUMMARY in page.text
    assert "Walk the wards monthly" in page.text
    assert NOTES not in page.text
    assert "Confidential notes" not in page.text

    other = client.get(reverse("coaching:session_detail", args=[theirs.pk]))
    assert "Someone else's summary" not in other.text
    assert "Their action" not in other.text

    api = client.get(reverse("api:coaching-session-detail", args=[mine.pk])).json()
    assert SUMMARY in api["shared_summary"]
    assert "confidential_notes" not in api
    assert (
        "shared_summary"
        not in client.get(reverse("api:coaching-session-detail", args=[theirs.pk])).json()
    )
    export = b"".join(client.get(reverse("coaching:session_export")).streaming_content).decode()
    assert SUMMARY in export
    assert "Someone else's summary" not in export
    assert NOTES not in export


def test_executive_cannot_change_their_session(client_for, executive, coached):
    mine = coached[0]
    response = client_for(executive).get(reverse("coaching:session_edit", args=[mine.pk]))
    assert response.status_code == 403


def test_executive_home_shows_your_actions_and_marks_one_done(client_for, executive, coached):
    mine, _, mine_action, _ = coached
    client = client_for(executive)
    home = client.get(reverse("home"))
    assert "<title>My coaching - Culture of Care</title>" in home.text
    assert "Your actions" in home.text
    assert "Walk the wards monthly" in home.text
    assert "Their action" not in home.text
    assert reverse("coaching:session_detail", args=[mine.pk]) in home.text

    response = client.post(
        reverse("coaching:action_status", args=[mine_action.pk]),
        {"status": "done", "next": reverse("home")},
    )
    assert response.status_code == 302
    assert Action.objects.get(pk=mine_action.pk).status == ActionStatus.DONE
    assert "Walk the wards monthly" not in client.get(reverse("home")).text


def test_another_organisations_executive_sees_nothing(client_for, other_org, coached):
    stranger = user_with_role(Role.EXECUTIVE, organisation=other_org, email="x@example.org")
    ExecutiveFactory(organisation=other_org, user=stranger)
    client = client_for(stranger)
    assert client.get(reverse("coaching:session_detail", args=[coached[0].pk])).status_code == 404
    assert "Walk the wards monthly" not in client.get(reverse("home")).text
    response = client.post(
        reverse("coaching:action_status", args=[coached[2].pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_an_executive_without_coaching_is_told_so(client_for, executive, org):
    ExecutiveFactory(organisation=org, user=executive)
    home = client_for(executive).get(reverse("home"))
    assert "No sessions have been logged with you yet." in home.text
    assert "You have no open actions." in home.text
