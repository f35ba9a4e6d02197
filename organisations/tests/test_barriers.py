"""The middle tier's barrier loop: wards raise, the organisation acts, the board sees what is
stuck, the programme sees themes. Each page against each persona."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import SessionKind
from coaching.tests.factories import CoachPairFactory, ExecutiveFactory
from culture_of_care.accounts.roles import Role
from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement.models import Commitment
from culture_of_care.improvement.tests.factories import ChangeIdeaFactory, ProjectFactory
from organisations import selectors, services
from organisations.models import Barrier, BarrierStatus, BarrierStepKind
from organisations.tests.factories import BarrierFactory
from tests.factories import OrganisationFactory, WardFactory, user_with_role

VALID_NHS_NUMBER = "943 476 5919"


def raise_url(ward):
    return reverse("organisations:barrier_raise", args=[ward.organisation.ods_code, ward.pk])


def detail_url(barrier):
    return reverse("organisations:barrier_detail", args=[barrier.organisation.ods_code, barrier.pk])


def action_url(barrier, action):
    return reverse(
        "organisations:barrier_action", args=[barrier.organisation.ods_code, barrier.pk, action]
    )


def queue_url(org):
    return reverse("organisations:barrier_queue", args=[org.ods_code])


def board_url(org):
    return reverse("organisations:barrier_board", args=[org.ods_code])


RAISE_DATA = {
    "title": "Bank staff cannot be booked for the community meeting",
    "description": "The roster allows one member of staff off the floor; the meeting needs two.",
    "kind": "rostering",
    "impact": "3",
}


# --- raising -----------------------------------------------------------------------------------


def test_ward_member_raises_a_barrier_and_sees_it_on_the_ward_page(
    client_for, ward, ward_member, org_lead
):
    Commitment.objects.get_or_create(number=1, defaults={"short_label": "Safety"})
    commitment = Commitment.objects.order_by("number").first()
    client = client_for(ward_member)
    response = client.post(
        raise_url(ward),
        {**RAISE_DATA, "commitments": [commitment.pk], "with_lived_experience": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#you-said-we-did")
    barrier = Barrier.objects.get()
    assert (barrier.organisation_id, barrier.ward_id) == (ward.organisation_id, ward.id)
    assert barrier.raised_by == ward_member
    assert barrier.with_lived_experience
    assert list(barrier.commitments.all()) == [commitment]
    assert [s.kind for s in barrier.steps.all()] == [BarrierStepKind.RAISED]
    assert AuditEntry.objects.filter(action="barrier.raised", object_id=str(barrier.pk)).exists()
    page = client.get(reverse("wards:detail", args=[ward.pk])).content.decode()
    assert "you said, we did" in page
    assert RAISE_DATA["title"] in page
    assert "No response yet" in page
    # The organisation lead finds it at the top of the queue.
    queue = client_for(org_lead).get(queue_url(ward.organisation)).content.decode()
    assert RAISE_DATA["title"] in queue


def test_the_wards_qi_coach_may_raise_a_barrier(client_for, ward, qi_coach):
    response = client_for(qi_coach).post(raise_url(ward), RAISE_DATA)
    assert response.status_code == 302
    assert Barrier.objects.get().raised_by == qi_coach


def test_a_barrier_with_an_nhs_number_is_refused_with_an_error_summary(
    client_for, ward, ward_member
):
    data = {**RAISE_DATA, "description": f"Since patient {VALID_NHS_NUMBER} was admitted"}
    response = client_for(ward_member).post(raise_url(ward), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "nhsuk-error-summary" in page
    assert "looks like it contains an NHS number (943 *** ****)" in page
    assert 'href="#id_description"' in page
    assert not Barrier.objects.exists()


def test_a_barrier_needs_a_summary_kind_and_impact_each_said_specifically(
    client_for, ward, ward_member
):
    page = client_for(ward_member).post(raise_url(ward), {}).content.decode()
    assert "Say in a few words what gets in the way." in page
    assert "Choose the kind of barrier." in page
    assert "Choose how much it gets in the way." in page


def test_a_barrier_may_name_only_its_own_wards_change_idea(
    client_for, ward, other_ward, ward_member
):
    other_idea = ChangeIdeaFactory(project=ProjectFactory(ward=other_ward, with_measures=False))
    response = client_for(ward_member).post(
        raise_url(ward), {**RAISE_DATA, "blocked_idea": other_idea.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Barrier.objects.exists()


# --- the middle tier acts ----------------------------------------------------------------------


def test_org_lead_takes_every_step_and_the_ward_sees_each_response(
    client_for, barrier, org_lead, ward_member, middle_tier_idea, middle_tier_cycle
):
    client = client_for(org_lead)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert (
        client.post(action_url(barrier, "acknowledge"), {"note": "Looking at it"}).status_code
        == 302
    )
    assert (
        client.post(
            action_url(barrier, "plan"),
            {"owner": "Head of Workforce", "due_on": due, "plan": "Change the rostering rule"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            action_url(barrier, "link"),
            {"change_idea": middle_tier_idea.pk, "cycle": middle_tier_cycle.pk},
        ).status_code
        == 302
    )
    ward_page = client_for(ward_member).get(reverse("wards:detail", args=[barrier.ward_id]))
    assert "Linked to middle-tier work" in ward_page.content.decode()
    assert (
        client.post(
            action_url(barrier, "resolve"),
            {"what_changed": "Two staff may now be rostered for the meeting"},
        ).status_code
        == 302
    )
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RESOLVED
    assert barrier.closed_at is not None
    assert (barrier.plan_owner, barrier.linked_cycle) == ("Head of Workforce", middle_tier_cycle)
    steps = list(barrier.steps.all())
    assert [s.kind for s in steps] == ["raised", "acknowledged", "planned", "linked", "resolved"]
    assert all(s.actor == org_lead for s in steps[1:])
    assert all(s.created_at for s in steps)
    page = client_for(ward_member).get(reverse("wards:detail", args=[barrier.ward_id]))
    text = page.content.decode()
    assert "Two staff may now be rostered for the meeting" in text
    assert "Resolved" in text
    detail = client_for(ward_member).get(detail_url(barrier)).content.decode()
    assert "by Olu Lead" in detail  # who, for the ward's own team
    assert "Change the rostering rule" in detail


def test_cannot_change_here_needs_a_reason(client_for, barrier, org_lead):
    client = client_for(org_lead)
    page = client.post(action_url(barrier, "cannot-change"), {"reason": ""}).content.decode()
    assert "Tell the ward why it cannot change here." in page
    assert "<title>Error: " in page
    client.post(action_url(barrier, "cannot-change"), {"reason": "A national staffing rule"})
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.CANNOT_CHANGE
    assert barrier.outcome == "A national staffing rule"


def test_a_plan_needs_an_owner_and_a_date_not_in_the_past(client_for, barrier, org_lead):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = (
        client_for(org_lead)
        .post(action_url(barrier, "plan"), {"owner": "", "due_on": yesterday, "plan": "x"})
        .content.decode()
    )
    assert "Name the person or role who owns the plan." in page
    assert "must be today or later" in page
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RAISED


def test_only_the_organisations_middle_tier_work_may_be_linked(client_for, barrier, org_lead, ward):
    ward_idea = ChangeIdeaFactory(project=ProjectFactory(ward=ward, with_measures=False))
    page = (
        client_for(org_lead)
        .post(action_url(barrier, "link"), {"change_idea": ward_idea.pk})
        .content.decode()
    )
    assert "Select a valid choice" in page
    with pytest.raises(Exception, match="middle-tier project"):
        services.barrier_link(actor=org_lead, barrier=barrier, change_idea=ward_idea)


def test_a_closed_barrier_cannot_be_changed(client_for, barrier, org_lead):
    services.barrier_resolve(actor=org_lead, barrier=barrier, what_changed="Fixed")
    response = client_for(org_lead).post(action_url(barrier, "acknowledge"), {})
    assert response.status_code == 302
    assert [s.kind for s in Barrier.objects.get().steps.all()] == ["raised", "resolved"]


def test_the_queue_orders_newest_or_oldest_untouched_first(client_for, org_lead, ward):
    now = timezone.now()
    old = BarrierFactory(ward=ward, title="Old and untouched", raised_at=now - timedelta(days=40))
    touched = BarrierFactory(
        ward=ward, title="Older but answered", raised_at=now - timedelta(days=60)
    )
    services.barrier_acknowledge(actor=org_lead, barrier=touched)
    new = BarrierFactory(ward=ward, title="Raised yesterday", raised_at=now - timedelta(days=1))
    org = ward.organisation
    newest = list(selectors.barrier_queue(org_lead, org, order="newest"))
    assert newest == [new, old, touched]
    untouched = list(selectors.barrier_queue(org_lead, org, order="untouched"))
    assert untouched == [old, new, touched]
    page = client_for(org_lead).get(queue_url(org) + "?order=untouched").content.decode()
    assert (
        page.index("Old and untouched") < page.index("Raised yesterday") < page.index("Older but")
    )


# --- escalation --------------------------------------------------------------------------------


def test_a_barrier_open_past_the_threshold_is_on_the_board_list_without_names(
    client_for, settings, ward, ward_member, executive, leadership_coach
):
    settings.BARRIER_ESCALATION_WEEKS = 8
    old = BarrierFactory(
        ward=ward,
        raised_by=ward_member,
        title="No lockable space for lived experience reviews",
        raised_at=timezone.now() - timedelta(weeks=9),
    )
    BarrierFactory(
        ward=ward, title="Raised last week", raised_at=timezone.now() - timedelta(weeks=1)
    )
    for person in (executive, leadership_coach):
        page = client_for(person).get(board_url(ward.organisation)).content.decode()
        assert old.title in page
        assert "Raised last week" not in page
        assert ward_member.full_name not in page
        detail = client_for(person).get(detail_url(old)).content.decode()
        assert ward_member.full_name not in detail


def test_org_lead_takes_a_barrier_to_the_board_before_the_threshold(
    client_for, barrier, org_lead, executive
):
    client_for(org_lead).post(action_url(barrier, "escalate"), {"reason": "Needs the board"})
    barrier.refresh_from_db()
    assert barrier.escalated_by == org_lead
    assert (
        barrier.title in client_for(executive).get(board_url(barrier.organisation)).content.decode()
    )
    again = client_for(org_lead).post(action_url(barrier, "escalate"), {"reason": "Again"})
    assert "on the board&#x27;s list since" in again.content.decode()


def test_a_resolved_barrier_leaves_the_board_list(client_for, barrier, org_lead, executive):
    services.barrier_escalate(actor=org_lead, barrier=barrier, reason="Stuck")
    services.barrier_resolve(actor=org_lead, barrier=barrier, what_changed="Done")
    page = client_for(executive).get(board_url(barrier.organisation)).content.decode()
    assert barrier.title not in page


def test_a_coach_brings_an_escalated_barrier_to_an_executive_session(
    client_for, barrier, org, org_lead, leadership_coach
):
    services.barrier_escalate(actor=org_lead, barrier=barrier, reason="Stuck")
    executive = ExecutiveFactory(organisation=org)
    CoachPairFactory(organisation=org, lived_experience_coach=leadership_coach)
    response = client_for(leadership_coach).post(
        reverse("coaching:session_new"),
        {
            "kind": SessionKind.EXECUTIVE,
            "organisation": org.pk,
            "executives": [executive.pk],
            "date": timezone.localdate().isoformat(),
            "duration_minutes": "60",
            "mode": "video",
            "attendee_count": "1",
            "lived_experience_attendee_count": "0",
            "barriers": [barrier.pk],
            "save": "log",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, re.findall(
        r"error-message[^>]*>(.*?)</span>", response.content.decode(), re.S
    )
    assert list(barrier.coaching_sessions.values_list("kind", flat=True)) == ["executive"]


# --- access ------------------------------------------------------------------------------------


def all_urls(barrier):
    org = barrier.organisation
    return [
        raise_url(barrier.ward),
        detail_url(barrier),
        queue_url(org),
        board_url(org),
        *(action_url(barrier, a) for a in ("acknowledge", "plan", "link", "resolve", "escalate")),
        action_url(barrier, "cannot-change"),
    ]


def test_anonymous_is_sent_to_sign_in(client, barrier):
    for url in [*all_urls(barrier), reverse("organisations:barrier_themes")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["org_lead", "ward_member", "qi_coach", "executive"])
def test_another_organisations_barrier_pages_are_404(
    persona, request, client_for, barrier, other_barrier
):
    client = client_for(request.getfixturevalue(persona))
    for url in all_urls(other_barrier):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    # The right organisation with another's barrier id is a 404 too.
    mixed = reverse(
        "organisations:barrier_detail", args=[barrier.organisation.ods_code, other_barrier.pk]
    )
    assert client.get(mixed).status_code == 404


def test_other_organisations_lead_gets_404_for_the_barrier(client_for, barrier, other_org_member):
    assert client_for(other_org_member).get(detail_url(barrier)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "names"),
    [
        ("ward_member", ["queue", "board", "acknowledge", "resolve", "escalate"]),
        ("qi_coach", ["queue", "board", "plan"]),
        ("executive", ["raise", "queue", "acknowledge"]),
        ("leadership_coach", ["raise", "queue", "resolve"]),
        ("org_lead", ["raise", "themes"]),
        ("programme_lead", ["raise", "acknowledge"]),
    ],
)
def test_wrong_role_is_403(persona, names, request, client_for, barrier):
    client = client_for(request.getfixturevalue(persona))
    org = barrier.organisation
    urls = {
        "raise": raise_url(barrier.ward),
        "queue": queue_url(org),
        "board": board_url(org),
        "themes": reverse("organisations:barrier_themes"),
        **{a: action_url(barrier, a) for a in ("acknowledge", "plan", "resolve", "escalate")},
    }
    for name in names:
        assert client.get(urls[name]).status_code == 403, name
        assert client.post(urls[name], {"reason": "x", "what_changed": "x"}).status_code == 403
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RAISED
    assert barrier.escalated_at is None


@pytest.mark.parametrize(
    "persona", ["ward_member", "qi_coach", "org_lead", "executive", "programme_lead", "admin"]
)
def test_who_sees_the_barrier(persona, request, client_for, barrier):
    assert client_for(request.getfixturevalue(persona)).get(detail_url(barrier)).status_code == 200


def test_ward_members_see_only_their_wards_barriers(client_for, barrier, ward_member, org):
    other_ward = WardFactory(organisation=org, name="Elm Ward")
    elsewhere = BarrierFactory(ward=other_ward)
    assert client_for(ward_member).get(detail_url(elsewhere)).status_code == 404
    assert list(Barrier.objects.visible_to(ward_member)) == [barrier]


def test_queue_and_board_and_themes_happy_paths(client_for, barrier, org_lead, programme_lead):
    org = barrier.organisation
    assert client_for(org_lead).get(queue_url(org)).status_code == 200
    assert client_for(org_lead).get(board_url(org)).status_code == 200
    assert (
        client_for(programme_lead).get(reverse("organisations:barrier_themes")).status_code == 200
    )
    assert client_for(programme_lead).get(queue_url(org)).status_code == 200


# --- lists: query counts -----------------------------------------------------------------------


def test_list_pages_query_counts_do_not_grow_with_rows(
    client_for, django_assert_max_num_queries, ward, org_lead, executive, programme_lead
):
    for i in range(6):
        b = BarrierFactory(ward=ward, raised_at=timezone.now() - timedelta(weeks=10 + i))
        services.barrier_acknowledge(actor=org_lead, barrier=b, note="Seen")
    org = ward.organisation
    lead, board, programme = client_for(org_lead), client_for(executive), client_for(programme_lead)
    with django_assert_max_num_queries(14):
        assert lead.get(queue_url(org)).status_code == 200
    with django_assert_max_num_queries(14):
        assert board.get(board_url(org)).status_code == 200
    with django_assert_max_num_queries(20):
        assert programme.get(reverse("organisations:barrier_themes")).status_code == 200
    with django_assert_max_num_queries(30):
        assert lead.get(reverse("wards:detail", args=[ward.pk])).status_code == 200


# --- themes, panels and reminders --------------------------------------------------------------


def test_themes_hide_small_numbers_below_national_level(client_for, programme_lead, ward):
    north = OrganisationFactory(ods_code="RNN", region="Y62")
    north_ward = WardFactory(organisation=north)
    for _ in range(3):
        BarrierFactory(ward=north_ward, kind="estates")
    for _ in range(7):
        BarrierFactory(ward=ward, kind="estates")
    themes = selectors.barrier_themes(Barrier.objects.visible_to(programme_lead))
    assert themes["national"].total == "10"  # national: shown in full
    estates = next(r for r in themes["kinds"] if r.label == "Estates and environment")
    assert estates.total == "10"
    regions = {r.label: r for r in themes["regions"]}
    assert regions["North West"].total == "*"
    assert regions["North West"].share_resolved == "*"
    assert regions["London"].total == "5"  # 7, rounded to the nearest 5
    page = client_for(programme_lead).get(reverse("organisations:barrier_themes")).content.decode()
    assert "fewer than 5 barriers is shown as *" in page


def test_barrier_panel_for_national_and_an_organisation(org, ward, org_lead):
    for _ in range(2):
        BarrierFactory(ward=ward)
    national = selectors.barrier_panel_for(None)
    assert national["row"].total == "2"
    assert not national["suppressed"]
    mine = selectors.barrier_panel_for(org)
    assert mine["row"].total == "*"
    assert selectors.barrier_panel_for(org, suppress=False)["row"].open == "2"


def test_the_organisation_page_shows_the_barriers_panel(client_for, barrier, org_lead):
    page = client_for(org_lead).get(
        reverse("organisations:detail", args=[barrier.organisation.ods_code])
    )
    text = page.content.decode()
    assert "Barriers raised by wards" in text
    assert queue_url(barrier.organisation) in text


def test_responses_due_for_the_ward_team_since_a_time(barrier, org_lead, ward_member, qi_coach):
    before = timezone.now()
    services.barrier_acknowledge(actor=org_lead, barrier=barrier, note="Heard you")
    due = list(selectors.barrier_responses_due_for(ward_member, before))
    assert [(s.kind, s.barrier) for s in due] == [("acknowledged", barrier)]
    assert list(selectors.barrier_responses_due_for(qi_coach, before)) == due
    assert not selectors.barrier_responses_due_for(org_lead, before).exists()
    assert not selectors.barrier_responses_due_for(ward_member, timezone.now()).exists()


def test_other_organisations_ward_member_hears_nothing(barrier, org_lead, other_org_member):
    before = timezone.now() - timedelta(days=1)
    services.barrier_acknowledge(actor=org_lead, barrier=barrier)
    assert not selectors.barrier_responses_due_for(other_org_member, before).exists()


def test_escalation_threshold_is_a_setting(settings, ward):
    barrier = BarrierFactory(ward=ward, raised_at=timezone.now() - timedelta(weeks=3))
    settings.BARRIER_ESCALATION_WEEKS = 8
    assert not barrier.is_escalated()
    settings.BARRIER_ESCALATION_WEEKS = 2
    assert barrier.is_escalated()
    assert list(Barrier.objects.escalated()) == [barrier]


def test_an_executive_of_another_organisation_is_not_on_the_board(barrier, other_org):
    outsider = user_with_role(Role.EXECUTIVE, organisation=other_org, email="x@example.org")
    assert not selectors.can_see_board(outsider, barrier.organisation)


def test_board_report_lists_open_and_closed_barriers_without_names(barrier, org_lead, ward_member):
    resolved = BarrierFactory(ward=barrier.ward, raised_by=ward_member, title="Garden lighting")
    services.barrier_resolve(actor=org_lead, barrier=resolved, what_changed="Lights fitted")
    report = selectors.barriers_for_board_report(barrier.organisation)
    assert [b["title"] for b in report["open"]] == [barrier.title]
    assert report["closed"][0]["outcome"] == "Lights fitted"
    assert ward_member.full_name not in str(report)
    later = selectors.barriers_for_board_report(
        barrier.organisation, since=timezone.now() + timedelta(minutes=1)
    )
    assert later["closed"] == []


def test_the_executive_session_shows_the_barrier_it_discussed(
    client_for, barrier, org, org_lead, leadership_coach
):
    from coaching.tests.factories import ExecutiveSessionFactory

    services.barrier_escalate(actor=org_lead, barrier=barrier, reason="Stuck")
    session = ExecutiveSessionFactory(organisation=org)
    session.barriers.add(barrier)
    CoachPairFactory(organisation=org, lived_experience_coach=leadership_coach)
    page = client_for(leadership_coach).get(reverse("coaching:session_detail", args=[session.pk]))
    assert barrier.title in page.content.decode()
