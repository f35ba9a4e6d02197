"""Audit history outlives what it describes (issue 16, item 2 in part)."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory

from culture_of_care.audit.models import AuditEntry
from culture_of_care.audit.services import audit_record
from organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory


def test_deleting_an_organisation_leaves_its_history(db):
    org = OrganisationFactory(ods_code="RQQ")
    for n in range(3):
        audit_record(actor=None, action="test.change", obj=org, summary=f"change {n}")
    org_id = org.pk
    org.delete()
    kept = AuditEntry.objects.filter(organisation_id=org_id)  # access: allowed (test)
    assert kept.count() == 3


def test_deleting_a_person_leaves_their_entries_with_their_name(db, org):
    person = UserFactory(full_name="Dana Deleted")
    audit_record(actor=person, action="test.change", obj=org)
    person_id = person.pk
    person.delete()
    entry = AuditEntry.objects.get(action="test.change")  # access: allowed (test)
    assert entry.actor_id == person_id
    assert entry.actor_name == "Dana Deleted"


def test_organisations_cannot_be_deleted_in_the_admin(admin, org):
    request = RequestFactory().get("/django-admin/")
    request.user = admin
    model_admin = site._registry[Organisation]
    assert not model_admin.has_delete_permission(request, org)
    assert "delete_selected" not in model_admin.get_actions(request)
