"""The one scoping mechanism: reach by role, fail closed, 404 outside reach, 403 when read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from culture_of_care import access
from culture_of_care.accounts.roles import Role
from organisations.models import Organisation
from tests.factories import RoleAssignmentFactory, UserFactory, WardFactory, user_with_role
from wards.models import Ward


def test_user_with_no_role_reaches_nothing(no_role_user, ward):
    assert access.read_reach(no_role_user).is_empty
    assert not Ward.objects.visible_to(no_role_user).exists()
    assert not Organisation.objects.visible_to(no_role_user).exists()


def test_anonymous_reaches_nothing(ward):
    from django.contrib.auth.models import AnonymousUser

    assert not Ward.objects.visible_to(AnonymousUser()).exists()


def test_inactive_user_reaches_nothing(ward_member):
    ward_member.is_active = False
    ward_member.save()
    access.forget(ward_member)
    assert not Ward.objects.visible_to(ward_member).exists()


@pytest.mark.parametrize("persona", ["admin", "programme_lead"])
def test_programme_roles_see_every_organisation(persona, request, ward, other_ward):
    user = request.getfixturevalue(persona)
    assert set(Ward.objects.visible_to(user)) == {ward, other_ward}


def test_ward_member_sees_only_their_ward_not_sister_wards(ward_member, ward):
    sister = WardFactory(organisation=ward.organisation, name="Sister Ward")
    assert list(Ward.objects.visible_to(ward_member)) == [ward]
    assert sister not in Ward.objects.visible_to(ward_member)
    # Their organisation is readable (its name and details), others are not.
    assert list(Organisation.objects.visible_to(ward_member)) == [ward.organisation]


def test_org_lead_reaches_every_ward_of_their_organisation(org_lead, ward, other_ward):
    sister = WardFactory(organisation=ward.organisation)
    assert set(Ward.objects.visible_to(org_lead)) == {ward, sister}


def test_qi_coach_reaches_wards_named_on_the_ward(ward, other_ward):
    coach = user_with_role(Role.QI_COACH)
    other_ward.qi_coach = coach
    other_ward.save()
    assert list(Ward.objects.visible_to(coach)) == [other_ward]


def test_ended_role_assignment_no_longer_reaches(ward):
    user = user_with_role(Role.WARD_MEMBER, ward=ward)
    user.role_assignments.update(ends_on=timezone.localdate() - timedelta(days=1))
    assert not Ward.objects.visible_to(user).exists()


def test_edit_rights_follow_the_record_kind(org_lead, executive, ward):
    Domain = access.Domain
    assert Ward.objects.where_may_change(org_lead, Domain.QI).filter(pk=ward.pk).exists()
    assert not Ward.objects.where_may_change(executive, Domain.QI).exists()
    assert not Ward.objects.where_may_change(org_lead, Domain.EXECUTIVE_COACHING).exists()
    # A ward's own domain is the organisation's: its lead changes it, an executive does not.
    assert list(Ward.objects.editable_by(org_lead)) == [ward]
    assert access.can_edit(ward, org_lead) and not access.can_edit(ward, executive)


def test_programme_lead_reads_everything_but_changes_nothing(programme_lead, ward):
    for domain in access.EDIT_RULES:
        assert not Ward.objects.where_may_change(programme_lead, domain).exists()


def test_admin_changes_everything(admin, ward, other_ward):
    for domain in access.EDIT_RULES:
        assert Ward.objects.where_may_change(admin, domain).count() == 2


def test_get_visible_or_404_hides_other_organisations(ward_member, other_ward, ward):
    assert access.get_visible_or_404(Ward, ward_member, pk=ward.pk) == ward
    with pytest.raises(Http404):
        access.get_visible_or_404(Ward, ward_member, pk=other_ward.pk)
    with pytest.raises(Http404):
        access.get_visible_or_404(Ward, ward_member, pk=999999)
    with pytest.raises(Http404):
        access.get_visible_or_404(Ward, ward_member, pk="not-a-number")


def test_get_editable_or_403_distinguishes_read_only_from_unreachable(executive, ward, other_ward):
    with pytest.raises(PermissionDenied):
        access.get_editable_or_403(Ward, executive, pk=ward.pk)
    with pytest.raises(Http404):
        access.get_editable_or_403(Ward, executive, pk=other_ward.pk)


def test_unknown_domain_is_an_error(ward_member):
    with pytest.raises(ValueError, match="Unknown access domain"):
        access.edit_reach(ward_member, "everything-please")


def test_national_risk_lead_without_organisations_reads_the_programme(ward, other_ward):
    user = user_with_role(Role.RISK_LEAD)
    assert Ward.objects.visible_to(user).count() == 2
    # ...but changes risk records nowhere without a named organisation.
    assert not Ward.objects.where_may_change(user, access.Domain.RISK).exists()


def test_several_roles_add_up(ward, other_ward):
    user = user_with_role(Role.WARD_MEMBER, ward=ward)
    RoleAssignmentFactory(
        user=user, role=Role.ORGANISATION_LEAD, organisation=other_ward.organisation
    )
    access.forget(user)
    assert set(Ward.objects.visible_to(user)) == {ward, other_ward}


def test_the_shared_questions_each_fail_one_way(admin, org_lead, ward_member, ward, other_ward):
    org = ward.organisation
    assert access.reaches_whole_organisation(org_lead, org)
    assert not access.reaches_whole_organisation(ward_member, org)  # one ward is not all of it
    access.require_whole_organisation(admin, org)
    for outside in (ward_member, org_lead):
        with pytest.raises(Http404):
            access.require_whole_organisation(outside, other_ward.organisation)
    access.require_programme_admin(admin)
    with pytest.raises(PermissionDenied, match="Only programme admins import"):
        access.require_programme_admin(org_lead, "Only programme admins import.")
    access.require_some_role(ward_member)
    with pytest.raises(PermissionDenied, match="does not have a role"):
        access.require_some_role(UserFactory())
