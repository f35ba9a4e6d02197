"""export_organisation writes everything of one organisation; erase_organisation removes it
after a dry run and a confirmation, and the audit record of the erasure stays."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coaching.tests.factories import ActionFactory, CoachingSessionFactory
from culture_of_care.accounts.models import RoleAssignment, User
from culture_of_care.audit.models import AuditEntry
from culture_of_care.improvement.models import DataPoint
from culture_of_care.improvement.tests.factories import DataPointFactory, ProjectFactory
from organisations.models import Organisation
from wards.models import Ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(org, ward, ward_member, org_lead, other_ward, other_org_member):
    project = ProjectFactory(ward=ward)
    DataPointFactory(ward=ward, measure=project.measures.first(), period_start=date(2026, 1, 1))
    ActionFactory(ward=ward, session=CoachingSessionFactory(ward=ward))
    other_project = ProjectFactory(ward=other_ward)
    DataPointFactory(
        ward=other_ward, measure=other_project.measures.first(), period_start=date(2026, 1, 1)
    )
    return org


def test_export_writes_every_table_of_the_organisation_only(filled, tmp_path):
    path = tmp_path / "raa.zip"
    out = StringIO()
    call_command("export_organisation", "raa", output=str(path), stdout=out)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        document = json.loads(archive.read("organisation.json"))
        wards_csv = archive.read("csv/wards.ward.csv").decode()
        users_csv = archive.read("csv/accounts.user.csv").decode()
    assert {"csv/organisations.organisation.csv", "csv/improvement.datapoint.csv"} <= names
    assert document["counts"]["improvement.datapoint"] == 1
    assert document["counts"]["wards.ward"] == 1
    assert "Willow Ward" in wards_csv and "Cedar Ward" not in wards_csv
    assert "ward@example.org" in users_csv and "other@example.org" not in users_csv
    assert "password" not in users_csv.splitlines()[0]
    assert "Wrote" in out.getvalue()


def test_erase_is_a_dry_run_until_confirmed(filled):
    out = StringIO()
    call_command("erase_organisation", "RAA", stdout=out)
    assert "Dry run: nothing was removed" in out.getvalue()
    assert "improvement.datapoint: 1" in out.getvalue()
    assert Organisation.objects.filter(ods_code="RAA").exists()

    with pytest.raises(CommandError, match="does not match"):
        call_command("erase_organisation", "RAA", confirm="RZZ", stdout=StringIO())
    assert Organisation.objects.filter(ods_code="RAA").exists()


def test_erase_removes_everything_of_it_and_keeps_the_audit_record(filled):
    org_id = filled.id
    call_command("erase_organisation", "RAA", confirm="raa", stdout=StringIO())
    assert not Organisation.objects.filter(pk=org_id).exists()
    assert not Ward.objects.filter(organisation_id=org_id).exists()
    assert not RoleAssignment.objects.filter(organisation_id=org_id).exists()
    assert not User.objects.filter(email__in=["ward@example.org", "orglead@example.org"]).exists()
    # The other organisation is untouched.
    assert Ward.objects.filter(name="Cedar Ward").exists()
    assert DataPoint.objects.count() == 1
    assert User.objects.filter(email="other@example.org").exists()
    entry = AuditEntry.objects.get(action="organisation.erase")
    assert entry.object_id == str(org_id)
    assert entry.changes["counts"]["improvement.datapoint"] == 1
    assert "RAA" in entry.summary


def test_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organisation has the ODS code XYZ"):
        call_command("export_organisation", "XYZ", stdout=StringIO())
