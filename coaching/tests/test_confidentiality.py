"""Executive and reverse-mentoring content: only the coach pair and programme admins read it,
at page, API, export and search level; everyone else sees that the session took place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import CoachingSession, SessionKind
from coaching.tests.factories import CoachPairFactory, ExecutiveSessionFactory
from culture_of_care.accounts.roles import Role
from tests.factories import user_with_role

SECRET = "worried about the board chair"
SUMMARY = "Board culture and psychological safety"

READERS = ["admin", "leadership_coach"]
NON_READERS = ["programme_lead", "org_lead", "qi_coach", "risk_lead", "executive", "ward_member"]


@pytest.mark.parametrize("persona", READERS)
def test_coach_pair_and_admin_read_confidential_notes(persona, request, client_for, exec_session):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("coaching:session_detail", args=[exec_session.pk]))
    assert page.status_code == 200
    assert SECRET in page.text
    assert SUMMARY in page.text
    api = client.get(reverse("api:coaching-session-detail", args=[exec_session.pk])).json()
    assert SECRET in api["confidential_notes"]
    export = b"".join(client.get(reverse("coaching:session_export")).streaming_content).decode()
    assert SUMMARY in export
    assert SECRET not in export  # confidential notes are never exported


@pytest.mark.parametrize("persona", NON_READERS)
def test_others_see_only_that_a_session_took_place(persona, request, client_for, exec_session):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page = client.get(reverse("coaching:session_detail", args=[exec_session.pk]))
    if persona in ("qi_coach", "ward_member"):
        # Ward-level people do not reach organisation-level sessions at all.
        assert page.status_code == 404
        return
    assert page.status_code == 200
    assert "Executive coaching" in page.text
    assert "60 minutes" in page.text
    assert SECRET not in page.text
    assert SUMMARY not in page.text
    api = client.get(reverse("api:coaching-session-detail", args=[exec_session.pk])).json()
    assert api["content_visible"] is False
    assert "confidential_notes" not in api
    assert "shared_summary" not in api
    assert "topics" not in api
    listing = client.get(reverse("api:coaching-session-list")).json()["results"]
    assert all("shared_summary" not in row for row in listing)
    export = b"".join(client.get(reverse("coaching:session_export")).streaming_content).decode()
    assert exec_session.organisation.name in export
    assert SUMMARY not in export
    assert SECRET not in export
    search = client.get(reverse("coaching:session_list"), {"q": "psychological"})
    assert "Board culture" not in search.text
    assert "No sessions to show" in search.text
    api_search = client.get(reverse("api:coaching-session-list"), {"search": "psychological"})
    assert api_search.json()["count"] == 0


def test_search_finds_confidential_summary_for_the_pair(client_for, leadership_coach, exec_session):
    response = client_for(leadership_coach).get(
        reverse("coaching:session_list"), {"q": "psychological"}
    )
    assert "Board culture" in response.text


def test_reverse_mentoring_is_confidential_too(client_for, programme_lead, org):
    session = ExecutiveSessionFactory(organisation=org, kind=SessionKind.REVERSE_MENTORING)
    response = client_for(programme_lead).get(reverse("coaching:session_detail", args=[session.pk]))
    assert SECRET not in response.text
    assert "Reverse mentoring" in response.text


def test_coach_of_another_organisation_gets_404(client_for, exec_session, other_org):
    other_coach = user_with_role(Role.LEADERSHIP_COACH, organisation=other_org)
    client = client_for(other_coach)
    assert client.get(reverse("coaching:session_detail", args=[exec_session.pk])).status_code == 404
    assert (
        client.get(reverse("api:coaching-session-detail", args=[exec_session.pk])).status_code
        == 404
    )
    assert client.get(reverse("coaching:session_edit", args=[exec_session.pk])).status_code == 404
    export = b"".join(client.get(reverse("coaching:session_export")).streaming_content).decode()
    assert exec_session.organisation.name not in export


def test_coach_pair_member_without_role_assignment_reads_notes(client_for, org, exec_session):
    # Coach pairs are also recorded on their own; a pair member with read reach reads notes.
    pair_coach = user_with_role(Role.ORGANISATION_LEAD, organisation=org)
    client = client_for(pair_coach)
    assert SECRET not in client.get(reverse("coaching:session_detail", args=[exec_session.pk])).text
    CoachPairFactory(organisation=org, lived_experience_coach=pair_coach)
    client = client_for(pair_coach)
    assert SECRET in client.get(reverse("coaching:session_detail", args=[exec_session.pk])).text


def test_ended_coach_pair_no_longer_reads_notes(client_for, org, exec_session):
    from datetime import date

    former = user_with_role(Role.ORGANISATION_LEAD, organisation=org)
    CoachPairFactory(organisation=org, board_coach=former, ends_on=date(2025, 12, 31))
    page = client_for(former).get(reverse("coaching:session_detail", args=[exec_session.pk]))
    assert SECRET not in page.text


def test_redacted_session_cannot_be_saved(programme_lead, exec_session):
    session = CoachingSession.objects.readable_by(programme_lead).get(pk=exec_session.pk)
    assert session.confidential_notes == ""
    with pytest.raises(RuntimeError):
        session.save()
    exec_session.refresh_from_db()
    assert SECRET in exec_session.confidential_notes
