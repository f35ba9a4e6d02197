"""Audit history at the database level (issue 16 item 2): triggers record who changed what."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from culture_of_care.history.models import EVENT_MODELS
from culture_of_care.improvement.tests.factories import PDSACycleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="history is kept by PostgreSQL triggers"
)


def _plan(cycle, **changes):
    data = {
        "title": cycle.title,
        "purpose": "test",
        "objective": cycle.objective,
        "predictions": cycle.predictions,
        "involvement": "co_designed",
    }
    data.update(changes)
    return data


def test_editing_a_cycle_shows_in_its_history_with_the_editors_name(
    client_for, ward, ward_member, org_lead
):
    cycle = PDSACycleFactory(change_idea__project__ward=ward, objective="Calmer mornings")
    response = client_for(ward_member).post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "plan"]),
        _plan(cycle, objective="Calmer mornings and evenings"),
    )
    assert response.status_code == 302

    page = client_for(org_lead).get(reverse("history:object", args=["cycle", cycle.pk]))
    assert page.status_code == 200
    assert "Changed by Wyn Ward" in page.text
    assert "Objective" in page.text
    assert "Calmer mornings" in page.text
    assert "Calmer mornings and evenings" in page.text


def test_an_edit_in_the_django_admin_shows_with_the_editors_name(client_for, ward, admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    cycle = PDSACycleFactory(change_idea__project__ward=ward, title="Morning meeting")
    data = {k: ("" if v is None else v) for k, v in model_to_dict(cycle).items()}
    data["participants"] = ""
    data["title"] = "Morning community meeting"
    client = client_for(admin)
    response = client.post(reverse("admin:improvement_pdsacycle_change", args=[cycle.pk]), data)
    assert response.status_code == 302, response.text[:3000]
    cycle.refresh_from_db()
    assert cycle.title == "Morning community meeting"

    page = client.get(reverse("history:object", args=["cycle", cycle.pk]))
    assert "Changed by Ada Admin" in page.text
    assert "Morning community meeting" in page.text


def test_history_cannot_be_altered_or_removed(ward):
    cycle = PDSACycleFactory(change_idea__project__ward=ward)
    table = EVENT_MODELS["improvement.pdsacycle"]._meta.db_table
    for statement in (f"UPDATE {table} SET title = 'forged'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            # Switching pgtrigger's triggers off from the session does not help either.
            cursor.execute("SET LOCAL pgtrigger.ignore = '{append_only}'")
            cursor.execute(statement)
    assert EVENT_MODELS["improvement.pdsacycle"].objects.filter(pgh_obj_id=cycle.pk).count() == 1


def test_deleting_an_organisation_leaves_its_history(org, ward):
    cycle = PDSACycleFactory(change_idea__project__ward=ward)
    org_id, cycle_id = org.pk, cycle.pk
    org.delete()
    kept = EVENT_MODELS["improvement.pdsacycle"].objects.filter(pgh_obj_id=cycle_id)
    assert list(kept.values_list("pgh_label", flat=True).order_by("pgh_id")) == [
        "insert",
        "delete",
    ]
    assert (
        EVENT_MODELS["organisations.organisation"]
        .objects.filter(pgh_obj_id=org_id, pgh_label="delete")
        .exists()
    )


def test_deleting_a_person_leaves_their_name_on_what_they_changed(
    client_for, ward, ward_member, org_lead
):
    cycle = PDSACycleFactory(change_idea__project__ward=ward)
    client_for(ward_member).post(
        reverse("improvement:cycle_stage", args=[cycle.pk, "plan"]),
        _plan(cycle, objective="A new objective"),
    )
    person_id = ward_member.pk
    ward_member.delete()

    page = client_for(org_lead).get(reverse("history:object", args=["cycle", cycle.pk]))
    assert "Changed by Wyn Ward" in page.text
    assert (
        EVENT_MODELS["accounts.user"]
        .objects.filter(pgh_obj_id=person_id, pgh_label="delete", email="ward@example.org")
        .exists()
    )


def test_people_and_role_assignments_are_tracked_without_their_password(db):
    person = UserFactory(full_name="Pat Person")
    person.set_password("a-new-secret-phrase")
    person.save()
    events = EVENT_MODELS["accounts.user"].objects.filter(pgh_obj_id=person.pk)
    assert events.filter(pgh_label="insert").exists()
    assert not hasattr(EVENT_MODELS["accounts.user"], "password")
    assert "accounts.roleassignment" in EVENT_MODELS


@pytest.mark.parametrize("kind", ["cycle", "ward", "organisation", "project"])
def test_history_pages_for_programme_admins_and_the_organisation_lead_only(
    client_for, kind, ward, admin, org_lead, ward_member, other_org_member
):
    cycle = PDSACycleFactory(change_idea__project__ward=ward)
    obj = {
        "cycle": cycle,
        "ward": ward,
        "organisation": ward.organisation,
        "project": cycle.change_idea.project,
    }[kind]
    url = reverse("history:object", args=[kind, obj.pk])
    assert client_for(admin).get(url).status_code == 200
    assert client_for(org_lead).get(url).status_code == 200
    assert client_for(ward_member).get(url).status_code == 403
    assert client_for(other_org_member).get(url).status_code == 404


def test_only_those_who_may_see_history_get_the_link(client_for, ward, org_lead, ward_member):
    cycle = PDSACycleFactory(change_idea__project__ward=ward)
    page = reverse("improvement:cycle", args=[cycle.pk])
    history = reverse("history:object", args=["cycle", cycle.pk])
    assert history in client_for(org_lead).get(page).text
    assert history not in client_for(ward_member).get(page).text


def test_every_tenant_model_is_tracked():
    from django.apps import apps

    from culture_of_care.access import TenantQuerySet

    tenant = {
        m._meta.label_lower
        for m in apps.get_models()
        if isinstance(m._default_manager.get_queryset(), TenantQuerySet)
    } - {"audit.auditentry"}
    assert tenant <= set(EVENT_MODELS)
    assert {"accounts.user", "accounts.roleassignment"} <= set(EVENT_MODELS)


def test_event_tables_have_no_foreign_key_constraints(db):
    tables = [model._meta.db_table for model in EVENT_MODELS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.table_constraints"
            " WHERE constraint_type = 'FOREIGN KEY' AND table_name = ANY(%s)",
            [tables],
        )
        assert cursor.fetchone()[0] == 0


def test_a_celery_task_acts_as_the_system(ward):
    from celery import shared_task

    @shared_task(name="tests.history.rename_ward")
    def rename_ward(pk: int) -> None:
        from wards.models import Ward

        Ward.objects.filter(pk=pk).update(name="Renamed by a task")

    rename_ward.apply(args=[ward.pk])
    event = EVENT_MODELS["wards.ward"].objects.get(pgh_obj_id=ward.pk, pgh_label="update")
    assert event.pgh_context["actor"] == "system"
    assert event.pgh_context["task"] == "tests.history.rename_ward"


def test_a_management_command_acts_as_the_system(ward):
    from django.core.management import BaseCommand, call_command

    from wards.models import Ward

    class Command(BaseCommand):
        def handle(self, *args, **options):
            Ward.objects.filter(pk=ward.pk).update(name="Renamed by a command")

    call_command(Command())
    event = EVENT_MODELS["wards.ward"].objects.get(pgh_obj_id=ward.pk, pgh_label="update")
    assert event.pgh_context["actor"] == "system"
    assert event.pgh_context["command"] == "test_history"


def test_a_persons_page_shows_changes_to_their_details_and_roles(
    client_for, org, ward, org_lead, ward_member, other_org_member
):
    from culture_of_care.accounts.roles import Role

    person_page = reverse("organisations:person", args=[org.ods_code, ward_member.pk])
    client = client_for(org_lead)
    client.post(person_page, {"roles": [Role.EXECUTIVE], "wards": [ward.pk]})

    page = client.get(person_page)
    assert "History of changes" in page.text
    assert "A role: created by Olu Lead" in page.text
    assert "Executive" in page.text
    assert client_for(other_org_member).get(person_page).status_code == 404
