"""No server error from bad input: identifiers from requests (paths, query strings, form fields,
API bodies) that cannot name anything answer 404 or a specific message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coaching.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"  # one past the largest bigint
HUGER = "99999999999999999999"

ODS_URLS = [
    "/organisations/RAA%00/",
    "/organisations/RAA%00/invite/",
    "/risk/RAA%00/",
    "/risk/RAA%00/self-assessment/",
    "/risk/RAA%00/milestones/",
    "/risk/RAA%00/milestones/m1/",
    "/risk/RAA%00/audits/",
    "/risk/RAA%00/audits/new/",
    "/risk/RAA%00/practice/new/",
    "/risk/participation/RAA%00/",
    "/improvement/organisations/RAA%00/upload/",
    "/api/v1/organisations/RAA%00/",
]

FILTER_URLS = [
    "/coaching/sessions/?organisation=RAA%00",
    "/coaching/sessions/export.csv?organisation=RAA%00",
    "/coaching/actions/?organisation=RAA%00",
    "/organisations/?q=RAA%00",
    "/wards/?q=RAA%00",
    "/api/v1/risk/participations/?organisation=RAA%00",
    "/api/v1/risk/self-assessments/?organisation=RAA%00",
    "/api/v1/risk/milestones/?organisation=RAA%00",
    "/api/v1/risk/audits/?organisation=RAA%00",
    "/api/v1/coaching/sessions/?search=RAA%00",
    "/api/v1/coaching/sessions/?kind=%00",
    "/api/v1/coaching/actions/?status=%00",
]

HUGE_ID_URLS = [
    f"/coaching/sessions/?ward={HUGE}",
    f"/coaching/sessions/export.csv?ward={HUGE}",
    f"/coaching/actions/?ward={HUGE}",
    f"/coaching/actions/?coach={HUGE}",
    f"/coaching/sessions/{HUGE}/",
    f"/wards/{HUGE}/",
    f"/improvement/projects/{HUGER}/",
    f"/improvement/theories/{HUGER}/",
    f"/reporting/programme/measure/{HUGER}/",
    f"/api/v1/wards/{HUGE}/",
    f"/api/v1/data-points/?ward={HUGE}&measure={HUGER}",
    f"/api/v1/projects/{HUGER}/",
]


@pytest.fixture
def admin_client(client_for, admin, ward):
    return client_for(admin)


@pytest.mark.parametrize("url", ODS_URLS)
def test_nul_in_an_ods_code_in_a_url_is_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("url", FILTER_URLS)
def test_nul_in_a_filter_is_refused_not_a_server_error(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code in {200, 400, 404}, response.status_code


@pytest.mark.parametrize("url", HUGE_ID_URLS)
def test_huge_integers_in_paths_and_query_strings(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code in {200, 400, 404}, response.status_code


def test_nul_in_a_posted_ods_code_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse("organisations:invite", args=["RAA"]),
        {"email": "x@example.org", "full_name": "X", "ward": "RAA\x00"},
    )
    assert response.status_code in {200, 400, 404}


def test_bulk_row_with_a_huge_ward_names_the_row(client_for, org_lead, ward):
    response = client_for(org_lead).post(
        "/api/v1/data-points/bulk/",
        {
            "data_points": [
                {
                    "ward": int(HUGER),
                    "measure": "rp_all",
                    "period_start": "2026-03-01",
                    "numerator": 1,
                }
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "data_points" in response.json() or "errors" in response.json()


@pytest.mark.parametrize("field", ["organisation", "ward", "other_coaches", "pdsa_cycles"])
def test_huge_ids_in_the_session_form_are_form_errors(client_for, admin, ward, field):
    from coaching.tests.test_sessions import form_data

    data = form_data(ward, **{field: HUGER})
    response = client_for(admin).post(reverse("coaching:session_new"), data)
    # A field this person is offered says what is wrong; one they are not offered is ignored.
    assert response.status_code in {200, 302}
    if field in {"ward", "organisation"}:
        assert "nhsuk-error-summary" in response.text


def test_huge_coach_id_in_the_session_form(client_for, leadership_coach, org):
    from coaching.tests.test_sessions import form_data

    data = form_data(None, kind="executive", organisation=HUGER, ward="", other_coaches=HUGE)
    response = client_for(leadership_coach).post(reverse("coaching:session_new"), data)
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text


@pytest.mark.parametrize("total", ["abc", HUGER, "-3", "\x00"])
def test_broken_management_form_is_a_form_error(client_for, qi_coach, ward, total):
    from coaching.tests.test_sessions import form_data

    client = client_for(qi_coach)
    for button in ("log", "add_action", "draft"):
        data = form_data(ward, **{"actions-TOTAL_FORMS": total, "save": button})
        response = client.post(reverse("coaching:session_new"), data)
        assert response.status_code in {200, 302}, (button, response.status_code)


@pytest.mark.parametrize("target", ["abc", "coaching:action_list", "//evil.example/", ""])
def test_action_status_next_is_a_path_or_the_action_list(client_for, qi_coach, ward, target):
    action = ActionFactory(ward=ward)
    response = client_for(qi_coach).post(
        reverse("coaching:action_status", args=[action.pk]),
        {"status": "done", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:action_list")


def test_next_keeps_a_real_local_path(client_for, qi_coach, ward):
    action = ActionFactory(ward=ward)
    target = reverse("coaching:action_list") + "?status=all"
    response = client_for(qi_coach).post(
        reverse("coaching:action_status", args=[action.pk]), {"status": "done", "next": target}
    )
    assert response["Location"] == target


def test_anonymous_nul_urls_are_not_server_errors(db):
    client = Client(raise_request_exception=False)
    for url in ODS_URLS + FILTER_URLS:
        assert client.get(url).status_code < 500, url
