"""Practice examples: year-one organisations publish; year-two organisations read; organisations
not yet taking part do not see them at all."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from culture_of_care.accounts.roles import Role
from risk.models import Cohort, PracticeExample, PracticeKind
from risk.tests.factories import PracticeExampleFactory, RiskParticipationFactory
from tests.factories import OrganisationFactory, WardFactory, user_with_role


@pytest.fixture
def year_one_example(participation):
    return PracticeExampleFactory(
        organisation=participation.organisation,
        title="Removing the risk rating from our record templates",
        kind=PracticeKind.TEMPLATES,
        body="The records team deleted the low, medium and high field from the templates.",
    )


def lead_of(cohort, starts_on=date(2025, 10, 1), **kwargs):
    org = OrganisationFactory()
    RiskParticipationFactory(organisation=org, cohort=cohort, starts_on=starts_on)
    return user_with_role(Role.ORGANISATION_LEAD, organisation=org, **kwargs)


def test_year_two_organisation_sees_published_examples(client_for, year_one_example):
    client = client_for(lead_of(Cohort.YEAR_TWO))
    listing = client.get(reverse("risk:practice_list"))
    assert listing.status_code == 200
    assert year_one_example.title in listing.text
    detail = client.get(reverse("risk:practice_detail", args=[year_one_example.pk]))
    assert detail.status_code == 200
    assert "deleted the low, medium and high field" in detail.text
    # Reading is not editing someone else's example.
    edit = client.get(reverse("risk:practice_edit", args=[year_one_example.pk]))
    assert edit.status_code == 403


def test_not_yet_organisation_does_not_see_examples(client_for, year_one_example):
    client = client_for(lead_of(Cohort.NOT_YET, starts_on=None))
    assert client.get(reverse("risk:practice_list")).status_code == 404
    assert (
        client.get(reverse("risk:practice_detail", args=[year_one_example.pk])).status_code == 404
    )
    assert client.get(reverse("risk:dashboard")).status_code == 302  # to its own page
    own_page = client.get(reverse("risk:dashboard"), follow=True).text
    assert year_one_example.title not in own_page


def test_organisation_without_participation_does_not_see_examples(
    client_for, org_lead, year_one_example, other_org
):
    other_lead = user_with_role(Role.ORGANISATION_LEAD, organisation=other_org)
    assert client_for(other_lead).get(reverse("risk:practice_list")).status_code == 404


def test_year_two_not_started_yet_does_not_see_examples(client_for, year_one_example):
    client = client_for(lead_of(Cohort.YEAR_TWO, starts_on=date(2099, 4, 1)))
    assert client.get(reverse("risk:practice_list")).status_code == 404


def test_ward_members_of_a_year_two_organisation_see_examples(client_for, year_one_example):
    org = OrganisationFactory()
    RiskParticipationFactory(organisation=org, cohort=Cohort.YEAR_TWO, starts_on=date(2025, 10, 1))
    member = user_with_role(Role.WARD_MEMBER, ward=WardFactory(organisation=org))
    assert year_one_example.title in client_for(member).get(reverse("risk:practice_list")).text


def test_drafts_stay_with_their_organisation(client_for, participation, org_lead, risk_lead):
    draft = PracticeExampleFactory(
        organisation=participation.organisation,
        published=False,
        published_at=None,
        title="Half-written training plan",
    )
    reader = client_for(lead_of(Cohort.YEAR_TWO))
    assert draft.title not in reader.get(reverse("risk:practice_list")).text
    assert reader.get(reverse("risk:practice_detail", args=[draft.pk])).status_code == 404
    assert (
        client_for(org_lead).get(reverse("risk:practice_detail", args=[draft.pk])).status_code
        == 200
    )


def test_year_one_organisation_writes_and_publishes_an_example(client_for, org_lead, participation):
    client = client_for(org_lead)
    url = reverse("risk:practice_new", args=[participation.organisation.ods_code])
    response = client.post(url, {"title": "", "kind": "", "body": ""})
    assert response.status_code == 200
    assert "Enter a title" in response.text
    response = client.post(
        url,
        {
            "title": "Co-producing safety planning training",
            "kind": "training",
            "body": "Peer workers co-delivered every session.",
            "published": "on",
        },
    )
    assert response.status_code == 302
    example = PracticeExample.objects.get()
    assert example.published and example.published_at is not None
    assert example.organisation == participation.organisation
    reader = client_for(lead_of(Cohort.YEAR_TWO))
    assert "Co-producing safety planning training" in reader.get(reverse("risk:practice_list")).text


def test_not_yet_organisations_cannot_write_examples(client_for, org, org_lead, domains):
    RiskParticipationFactory(organisation=org, cohort=Cohort.NOT_YET, starts_on=None)
    url = reverse("risk:practice_new", args=[org.ods_code])
    assert client_for(org_lead).get(url).status_code == 403


def test_search_finds_examples_by_words_in_the_title_or_text(
    client_for, participation, programme_lead
):
    PracticeExampleFactory(
        organisation=participation.organisation,
        title="Board sign-off paper",
        body="How we took the personalised approach to the board.",
    )
    PracticeExampleFactory(
        organisation=participation.organisation,
        title="Carers and safety plans",
        body="Sharing plans with carers, with consent.",
        kind=PracticeKind.LEARNING,
    )
    client = client_for(programme_lead)
    found = client.get(reverse("risk:practice_list"), {"q": "carers"}).text
    assert "Carers and safety plans" in found
    assert "Board sign-off paper" not in found
    found = client.get(reverse("risk:practice_list"), {"q": "board"}).text
    assert "Board sign-off paper" in found and "Carers and safety plans" not in found
    found = client.get(reverse("risk:practice_list"), {"kind": "learning"}).text
    assert "Carers and safety plans" in found and "Board sign-off paper" not in found
