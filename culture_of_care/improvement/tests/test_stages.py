"""Recording a PDSA stage and moving the cycle on happen together or not at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from culture_of_care.improvement import services, stages
from culture_of_care.improvement.models import CycleStatus
from culture_of_care.improvement.tests.factories import PDSACycleFactory


def record_do(cycle, actor, *, carried_out_as_planned):
    return services.pdsa_cycle_record(
        cycle=cycle,
        actor=actor,
        stage="do",
        started_on=None,
        carried_out_as_planned=carried_out_as_planned,
        what_happened="Ran the meeting on Monday",
        observations="Staff came",
    )


def test_recording_do_moves_the_cycle_on_to_study(project, ward_member):
    cycle = PDSACycleFactory(change_idea__project=project, status=CycleStatus.DO)
    record_do(cycle, ward_member, carried_out_as_planned=True)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.STUDY
    assert cycle.what_happened == "Ran the meeting on Monday"


def test_a_stage_that_cannot_move_on_leaves_nothing_saved(project, ward_member):
    cycle = PDSACycleFactory(change_idea__project=project, status=CycleStatus.DO)
    with pytest.raises(ValidationError, match="carried out as planned"):
        record_do(cycle, ward_member, carried_out_as_planned=None)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DO
    assert cycle.observations == ""


def test_a_stage_outside_its_statuses_is_refused(project, ward_member):
    cycle = PDSACycleFactory(change_idea__project=project, status=CycleStatus.PLAN)
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.pdsa_cycle_record(
            cycle=cycle, actor=ward_member, stage="study", results="x", learning="y"
        )
    assert [s.code for s in stages.STAGES] == ["plan", "do", "study", "act"]
    assert stages.DO.editable(CycleStatus.STUDY) and not stages.PLAN.editable(CycleStatus.DO)
