"""Logging a session: one page, drafts kept, specific validation, actions inline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Action, CoachingSession, SessionKind, SessionStatus
from coaching.tests.factories import ExecutiveFactory
from culture_of_care.audit.models import AuditEntry


def form_data(the_ward, /, **overrides):
    today = timezone.localdate()
    data = {
        "kind": "ward_qi",
        "ward": str(the_ward.pk) if the_ward else "",
        "date": (today - timedelta(days=1)).isoformat(),
        "duration_minutes": "60",
        "mode": "in_person",
        "attendee_count": "6",
        "lived_experience_attendee_count": "2",
        "shared_summary": "Reviewed the safety huddle PDSA.",
        "next_session_on": (today + timedelta(days=13)).isoformat(),
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-description": "Run the huddle on nights",
        "actions-0-owner_role": "Ward manager",
        "actions-0-due_on": (today + timedelta(days=7)).isoformat(),
        "actions-1-description": "Share the run chart with the team",
        "actions-1-owner_role": "Peer support worker",
        "actions-1-due_on": (today + timedelta(days=10)).isoformat(),
        "save": "log",
    }
    data.update(overrides)
    return data


def test_qi_coach_logs_a_ward_session_with_two_actions(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    assert client.get(reverse("coaching:session_new")).status_code == 200
    response = client.post(reverse("coaching:session_new"), form_data(ward))
    session = CoachingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:session_detail", args=[session.pk])
    assert session.status == SessionStatus.LOGGED
    assert session.organisation == ward.organisation
    assert list(session.coaches.all()) == [qi_coach]
    assert Action.objects.filter(session=session, ward=ward).count() == 2
    assert AuditEntry.objects.filter(action="coaching_session.logged").exists()
    page = client.get(response["Location"])
    assert "Run the huddle on nights" in page.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"date": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "date",
            "must be today or in the past",
        ),
        ({"duration_minutes": "3"}, "duration_minutes", "between 5 and 480"),
        ({"duration_minutes": "481"}, "duration_minutes", "between 5 and 480"),
        (
            {"attendee_count": "2", "lived_experience_attendee_count": "3"},
            "lived_experience_attendee_count",
            "cannot be more than the number who attended",
        ),
        (
            {"shared_summary": "Patient 943 476 5919 was discussed"},
            "shared_summary",
            "NHS number",
        ),
        ({"ward": ""}, "ward", "Choose the ward"),
        ({"actions-0-due_on": ""}, "due_on", "Enter the date the action is due by"),
        (
            {"actions-1-owner_role": ""},
            "owner_role",
            "Choose the owner, or name the role that owns it",
        ),
    ],
)
def test_validation_messages_are_specific(client_for, qi_coach, ward, overrides, field, message):
    response = client_for(qi_coach).post(
        reverse("coaching:session_new"), form_data(ward, **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert response.text.count("nhsuk-error-summary") >= 1
    assert "<title>Error: " in response.text
    assert not CoachingSession.objects.filter(status=SessionStatus.LOGGED).exists()


def test_confidential_notes_refused_for_a_ward_session(client_for, admin, ward):
    response = client_for(admin).post(
        reverse("coaching:session_new"),
        form_data(ward, confidential_notes="Something private"),
    )
    assert "Confidential notes are only for executive coaching" in response.text


def test_ward_must_belong_to_the_organisation(client_for, admin, ward, other_org):
    response = client_for(admin).post(
        reverse("coaching:session_new"), form_data(ward, organisation=str(other_org.pk))
    )
    assert f"{ward.name} does not belong to {other_org.name}" in response.text


def test_qi_coach_cannot_pick_another_ward(client_for, qi_coach, other_ward):
    response = client_for(qi_coach).post(reverse("coaching:session_new"), form_data(other_ward))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not CoachingSession.objects.exists()


def test_leadership_coach_logs_executive_session(client_for, leadership_coach, org):
    executive = ExecutiveFactory(organisation=org)
    data = form_data(
        None,
        kind="executive",
        ward="",
        organisation=str(org.pk),
        executives=str(executive.pk),
        confidential_notes="Said in confidence",
    )
    response = client_for(leadership_coach).post(reverse("coaching:session_new"), data)
    assert response.status_code == 302, response.text
    session = CoachingSession.objects.get()
    assert session.kind == SessionKind.EXECUTIVE
    assert session.confidential_notes == "Said in confidence"
    assert list(session.executives.all()) == [executive]


def test_draft_is_kept_and_continued(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    half = {
        "kind": "ward_qi",
        "ward": str(ward.pk),
        "shared_summary": "Half written",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "A first action",
    }
    response = client.post(reverse("coaching:session_autosave"), half)
    assert response.status_code == 200
    assert "Draft saved" in response.text
    draft = CoachingSession.objects.get(status=SessionStatus.DRAFT)
    assert f'value="{draft.pk}"' in response.text
    # A second autosave updates the same draft.
    client.post(reverse("coaching:session_autosave"), {**half, "draft": str(draft.pk)})
    assert CoachingSession.objects.count() == 1
    # Leaving and coming back: the new-session page offers the draft, which restores the text.
    page = client.get(reverse("coaching:session_new"))
    assert "Continue your draft" in page.text
    resumed = client.get(reverse("coaching:session_edit", args=[draft.pk]))
    assert "Half written" in resumed.text
    assert "A first action" in resumed.text
    assert "nhsuk-error-summary" not in resumed.text
    # Finishing it logs the same row.
    client.post(reverse("coaching:session_edit", args=[draft.pk]), form_data(ward))
    draft.refresh_from_db()
    assert draft.status == SessionStatus.LOGGED
    assert draft.draft_data == {}
    assert CoachingSession.objects.count() == 1


def test_save_as_draft_without_javascript(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    response = client.post(
        reverse("coaching:session_new"),
        {**form_data(ward, duration_minutes=""), "save": "draft"},
    )
    draft = CoachingSession.objects.get()
    assert response["Location"] == reverse("coaching:session_edit", args=[draft.pk])
    assert draft.is_draft


def test_autosave_without_a_place_keeps_nothing_on_the_server(client_for, qi_coach):
    response = client_for(qi_coach).post(
        reverse("coaching:session_autosave"), {"kind": "ward_qi", "shared_summary": "x"}
    )
    assert "Not saved yet" in response.text
    assert not CoachingSession.objects.exists()


def test_draft_drops_nhs_numbers(client_for, qi_coach, ward):
    client_for(qi_coach).post(
        reverse("coaching:session_autosave"),
        {"kind": "ward_qi", "ward": str(ward.pk), "shared_summary": "NHS 943 476 5919"},
    )
    draft = CoachingSession.objects.get()
    assert "shared_summary" in draft.draft_data
    assert draft.draft_data["shared_summary"] == []


def test_drafts_are_private_to_their_author(client_for, qi_coach, admin, ward):
    client_for(qi_coach).post(
        reverse("coaching:session_autosave"),
        {"kind": "ward_qi", "ward": str(ward.pk), "shared_summary": "Mine"},
    )
    draft = CoachingSession.objects.get()
    other = client_for(admin)
    assert other.get(reverse("coaching:session_edit", args=[draft.pk])).status_code == 404
    assert "Mine" not in other.get(reverse("coaching:session_list")).text


def test_add_another_action_without_javascript(client_for, qi_coach, ward):
    response = client_for(qi_coach).post(
        reverse("coaching:session_new"), {**form_data(ward), "save": "add_action"}
    )
    assert 'name="actions-2-description"' in response.text
    assert 'name="actions-TOTAL_FORMS" value="3"' in response.text


def test_discard_draft(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    client.post(reverse("coaching:session_autosave"), {"kind": "ward_qi", "ward": str(ward.pk)})
    draft = CoachingSession.objects.get()
    client.post(reverse("coaching:session_discard", args=[draft.pk]))
    assert not CoachingSession.objects.exists()


def test_risk_lead_logs_risk_support(client_for, risk_lead, org):
    data = form_data(
        None,
        kind="risk_support",
        organisation=str(org.pk),
        ward="",
    )
    response = client_for(risk_lead).post(reverse("coaching:session_new"), data)
    assert response.status_code == 302, response.text
    assert CoachingSession.objects.get().kind == SessionKind.RISK_SUPPORT


def test_ward_member_cannot_log_sessions(client_for, ward_member):
    assert client_for(ward_member).get(reverse("coaching:session_new")).status_code == 403


def test_late_autosave_after_logging_starts_no_new_draft(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    client.post(reverse("coaching:session_autosave"), {"kind": "ward_qi", "ward": str(ward.pk)})
    draft = CoachingSession.objects.get()
    client.post(reverse("coaching:session_edit", args=[draft.pk]), form_data(ward))
    response = client.post(
        reverse("coaching:session_autosave"),
        {"kind": "ward_qi", "ward": str(ward.pk), "draft": str(draft.pk)},
    )
    assert "already been logged" in response.text
    assert CoachingSession.objects.count() == 1


def test_session_form_never_offers_another_organisations_cycles(
    client_for, leadership_coach, org, other_org
):
    from culture_of_care.improvement.tests.factories import PDSACycleFactory, ProjectFactory

    project = ProjectFactory(
        ward=None, organisation=other_org, kind="organisation", title="Middle tier"
    )
    secret = PDSACycleFactory(
        change_idea__project=project,
        change_idea__organisation=other_org,
        change_idea__ward=None,
        title="A confidential middle-tier test elsewhere",
    )
    data = form_data(None, kind="organisation", ward="", organisation=str(other_org.pk))
    response = client_for(leadership_coach).post(reverse("coaching:session_new"), data)
    assert response.status_code == 200
    assert secret.title not in response.text
    assert not CoachingSession.objects.exists()
