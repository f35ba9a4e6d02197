"""Issue 15 item 13: the session form starts on today's date; other coaches are checkboxes."""

from __future__ import annotations

from django.urls import reverse


def test_session_form_starts_on_today_with_other_coaches_as_checkboxes(
    client_for, leadership_coach, risk_lead
):
    from django.utils import timezone

    page = client_for(leadership_coach).get(reverse("coaching:session_new"))
    assert page.status_code == 200
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page.text
    assert 'name="other_coaches" type="checkbox"' in page.text
    assert "Rhys Risk" in page.text
    assert "Ctrl" not in page.text


# --- Issue 15 item 13: topics grouped, executives narrowed, no lone radio, no stray draft --------

import re  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from coaching.models import CoachingSession, SessionStatus  # noqa: E402
from coaching.services import session_log, session_save_draft  # noqa: E402
from coaching.tests.factories import ExecutiveFactory  # noqa: E402
from coaching.tests.test_sessions import form_data  # noqa: E402
from tests.factories import RoleAssignmentFactory  # noqa: E402

FORM_KEY = "abcdefghijklmnopqrstuvwxyzabcdef"


def test_topics_are_grouped_by_level_and_collapsed(client_for, qi_coach):
    page = client_for(qi_coach).get(reverse("coaching:session_new")).text
    groups = re.findall(
        r'<details class="nhsuk-details app-checkbox-group"[^>]*>\s*<summary[^>]*>'
        r'<span class="nhsuk-details__summary-text">([^<]+?) \(\d+\)',
        page,
    )
    assert [g.strip() for g in groups] == ["Ward", "Organisation (middle tier)", "Risk"]
    assert '<details class="nhsuk-details app-checkbox-group" open' not in page


def test_executives_are_narrowed_to_the_chosen_organisation(
    client_for, leadership_coach, org, other_org
):
    RoleAssignmentFactory(user=leadership_coach, role="leadership_coach", organisation=other_org)
    ours = ExecutiveFactory(organisation=org, name="Ada Ours")
    ExecutiveFactory(organisation=other_org, name="Bo Theirs")
    client = client_for(leadership_coach)

    everyone = client.get(reverse("coaching:session_new")).text
    assert "Ada Ours" in everyone and "Bo Theirs" in everyone
    assert f'data-group="{org.pk}"' in everyone  # grouped by organisation, for the script

    chosen = client.get(
        reverse("coaching:session_new"), {"kind": "executive", "organisation": org.pk}
    ).text
    assert "Ada Ours" in chosen
    assert "Bo Theirs" not in chosen
    assert ours.job_title in chosen


def test_a_kind_with_one_choice_is_stated_not_a_lone_radio(client_for, qi_coach):
    page = client_for(qi_coach).get(reverse("coaching:session_new")).text
    assert 'type="radio" value="ward_qi"' not in page
    assert "<strong>Kind of session:</strong> Ward QI coaching" in page
    assert '<input type="hidden" id="id_kind" name="kind" value="ward_qi">' in page


def test_a_corrected_submission_leaves_no_stray_draft(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    # Autosave made a draft, but the page had not heard its id when "Log" was pressed.
    client.post(
        reverse("coaching:session_autosave"),
        {"kind": "ward_qi", "ward": str(ward.pk), "form_key": FORM_KEY},
    )
    wrong = form_data(ward, duration_minutes="", form_key=FORM_KEY)
    response = client.post(reverse("coaching:session_new"), wrong)
    assert response.status_code == 200
    assert "Enter how long the session lasted" in response.text

    right = form_data(ward, form_key=FORM_KEY)
    response = client.post(reverse("coaching:session_new"), right)
    assert response.status_code == 302
    assert CoachingSession.objects.count() == 1
    assert CoachingSession.objects.get().status == SessionStatus.LOGGED


def test_an_autosave_arriving_after_the_form_was_logged_starts_no_draft(client_for, qi_coach, ward):
    client = client_for(qi_coach)
    response = client.post(reverse("coaching:session_new"), form_data(ward, form_key=FORM_KEY))
    assert response.status_code == 302
    late = client.post(
        reverse("coaching:session_autosave"),
        {"kind": "ward_qi", "ward": str(ward.pk), "form_key": FORM_KEY},
    )
    assert "already been logged" in late.text
    assert list(CoachingSession.objects.values_list("status", flat=True)) == [SessionStatus.LOGGED]


def test_an_autosave_of_a_draft_logged_meanwhile_does_not_undo_the_logging(qi_coach, ward):
    """The race in test_qi_coach_logs_a_session_on_a_phone: the autosave had read the draft
    before "Log the session" logged it, and wrote it back as a draft."""
    draft = session_save_draft(
        actor=qi_coach,
        session=None,
        organisation=ward.organisation,
        ward=ward,
        kind="ward_qi",
        data={"ward": [str(ward.pk)]},
    )
    stale = CoachingSession.objects.get(pk=draft.pk)  # what the autosave request had read
    session_log(
        actor=qi_coach,
        session=draft,
        organisation=ward.organisation,
        ward=ward,
        values={
            "kind": "ward_qi",
            "date": timezone.localdate() - timedelta(days=1),
            "duration_minutes": 60,
        },
        relations={},
        actions=[],
    )
    assert (
        session_save_draft(
            actor=qi_coach,
            session=stale,
            organisation=ward.organisation,
            ward=ward,
            kind="ward_qi",
            data={"ward": [str(ward.pk)]},
        )
        is None
    )
    assert CoachingSession.objects.get(pk=draft.pk).status == SessionStatus.LOGGED
