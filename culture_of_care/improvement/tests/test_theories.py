"""National change theories: seeded starting points, the accessible diagram, versioning."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement import services
from culture_of_care.improvement.models import (
    ChangeTheory,
    Commitment,
    DriverNode,
    Measure,
    NodeKind,
    TheoryStatus,
)

pytestmark = pytest.mark.django_db


def test_reference_data_is_seeded():
    assert Commitment.objects.count() == 12
    rp = Measure.objects.national().get(code="rp_all")
    assert rp.uses_bed_days and rp.disaggregated and rp.multiplier == 1000
    assert rp.chart_type == "xmr"
    assert not Measure.objects.national().get(code="feel_safe").uses_bed_days
    for level in ("ward", "organisation", "risk"):
        theory = ChangeTheory.objects.get(level=level)
        assert theory.is_starting_point and theory.status == TheoryStatus.PUBLISHED
        assert theory.nodes.filter(kind=NodeKind.AIM).count() == 1
    ward = ChangeTheory.objects.get(level="ward")
    assert 3 <= ward.nodes.filter(kind=NodeKind.PRIMARY).count() <= 5
    assert not ward.nodes.exclude(kind=NodeKind.AIM).filter(commitments__isnull=True).exists()


def test_risk_theory_has_one_primary_driver_per_domain_keyed_by_code():
    from culture_of_care.reference import rows

    risk = ChangeTheory.objects.get(level="risk")
    codes = set(risk.nodes.filter(kind=NodeKind.PRIMARY).values_list("code", flat=True))
    assert codes == {r["code"] for r in rows("risk_domains")}


def test_driver_diagram_reads_as_a_nested_list(
    client_for, ward_member, django_assert_max_num_queries
):
    theory = ChangeTheory.objects.get(level="ward")
    client = client_for(ward_member)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("improvement:theory", args=[theory.pk])).text
    assert 'aria-label="Driver diagram"' in page
    assert page.index("Lived experience leads and shapes the ward") < page.index(
        "To test <strong>a daily community meeting chaired by a patient</strong>"
    )
    assert "1. Lived experience" in page
    assert "Open a new version" not in page
    # Internal codes are for the programme's data, not for people reading the diagram.
    assert "ward-c-community-meeting" not in page and "(ward-p-" not in page


def test_new_version_copies_the_diagram_and_publishing_keeps_projects_on_theirs(admin, project):
    old = project.change_theory
    draft = services.change_theory_new_version(theory=old, actor=admin)
    assert draft.version == 2 and draft.status == TheoryStatus.DRAFT
    assert draft.nodes.count() == old.nodes.count()
    copied = draft.nodes.get(code="ward-c-community-meeting")
    assert copied.parents.get().code == "ward-s-coproduction"
    assert set(copied.commitments.values_list("number", flat=True)) == {1, 8}

    services.driver_node_save(
        theory=draft,
        actor=admin,
        kind=NodeKind.CHANGE_IDEA,
        text="a weekly carers' evening",
        parents=[draft.nodes.get(code="ward-s-own-understanding")],
        commitments=[Commitment.objects.get(number=3)],
    )
    services.change_theory_publish(theory=draft, actor=admin)
    old.refresh_from_db()
    project.refresh_from_db()
    assert old.status == TheoryStatus.RETIRED
    assert project.change_theory == old
    assert not old.nodes.filter(text="a weekly carers' evening").exists()


def test_published_theory_cannot_be_edited(admin):
    theory = ChangeTheory.objects.get(level="ward")
    with pytest.raises(Exception, match="Open a new version"):
        services.driver_node_save(theory=theory, actor=admin, kind="primary", text="x")


def test_admin_adds_a_node_under_a_driver_through_the_page(client_for, admin):
    theory = ChangeTheory.objects.get(level="organisation")
    client = client_for(admin)
    client.post(reverse("improvement:theory_new_version", args=[theory.pk]))
    draft = ChangeTheory.objects.get(level="organisation", status=TheoryStatus.DRAFT)
    parent = draft.nodes.get(code="org-s-rostering")
    response = client.post(
        reverse("improvement:node_add", args=[draft.pk]),
        {
            "kind": "change_idea",
            "text": "self-rostering pilots",
            "parents": [parent.pk],
            "commitments": [Commitment.objects.get(number=4).pk],
        },
    )
    assert response.status_code == 302
    node = DriverNode.objects.get(theory=draft, text="self-rostering pilots")
    assert node.parents.get() == parent
    # The wrong level is refused with a clear message.
    response = client.post(
        reverse("improvement:node_add", args=[draft.pk]),
        {"kind": "primary", "text": "misplaced", "parents": [parent.pk]},
    )
    assert "can only sit under a aim" in response.text or "can only sit under" in response.text
    client.post(reverse("improvement:theory_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == TheoryStatus.PUBLISHED
