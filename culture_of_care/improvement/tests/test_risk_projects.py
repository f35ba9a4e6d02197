"""An organisation's risk project reuses the QI method: NCISH advisers change it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement.models import ChangeIdea, ChangeTheory, NodeKind, ProjectKind
from culture_of_care.improvement.tests.factories import ChangeIdeaFactory, ProjectFactory


@pytest.fixture
def risk_project(org):
    return ProjectFactory(
        ward=None,
        organisation=org,
        kind=ProjectKind.RISK,
        title="Safety planning",
        change_theory=ChangeTheory.objects.get(level="risk", status="published"),
    )


def test_risk_lead_adds_a_change_idea_to_the_risk_project(client_for, risk_lead, risk_project):
    client = client_for(risk_lead)
    url = reverse("improvement:change_idea_add", args=[risk_project.pk])
    assert client.get(url).status_code == 200
    node = risk_project.change_theory.nodes.filter(kind=NodeKind.CHANGE_IDEA).first()
    response = client.post(url, {"national_node": node.pk, "title": "", "description": ""})
    assert response.status_code == 302
    idea = ChangeIdea.objects.get(project=risk_project)
    assert idea.organisation == risk_project.organisation
    assert idea.ward is None


def test_risk_lead_cannot_change_ward_qi_work(client_for, risk_lead, ward):
    project = ProjectFactory(ward=ward)
    idea = ChangeIdeaFactory(project=project)
    client = client_for(risk_lead)
    assert client.get(reverse("improvement:project", args=[project.pk])).status_code == 200
    assert client.get(reverse("improvement:change_idea_add", args=[project.pk])).status_code == 403
    assert client.get(reverse("improvement:cycle_add", args=[idea.pk])).status_code == 403


def test_ward_member_cannot_change_the_organisations_risk_project(
    client_for, ward_member, risk_project
):
    url = reverse("improvement:change_idea_add", args=[risk_project.pk])
    # Risk work is organisation-level: a ward member does not reach it at all.
    assert client_for(ward_member).get(url).status_code == 404


def test_the_record_says_who_may_change_it(risk_lead, ward_member, risk_project, ward):
    """One access domain, read from the record: no caller needs to name it."""
    from culture_of_care.access import can_edit, ensure_editable
    from culture_of_care.improvement.models import PDSACycle, Project

    ensure_editable(risk_project, risk_lead)  # an NCISH adviser changes the risk project
    idea = ChangeIdeaFactory(
        project=risk_project, ward=None, organisation=risk_project.organisation
    )
    assert can_edit(idea, risk_lead)
    ward_project = ProjectFactory(ward=ward)
    assert not can_edit(ward_project, risk_lead)
    assert can_edit(ward_project, ward_member)
    # The queryset asks the same question row by row.
    editable = set(Project.objects.editable_by(risk_lead).values_list("pk", flat=True))
    assert risk_project.pk in editable
    assert ward_project.pk not in editable
    assert list(Project.objects.editable_by(ward_member)) == [ward_project]
    assert not PDSACycle.objects.editable_by(risk_lead).filter(change_idea__project=ward_project)
