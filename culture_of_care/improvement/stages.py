"""The stages of a PDSA cycle: one table read by the services, the forms and the views.

Each stage names the fields it records, the cycle status in which it is the current stage, the
statuses in which it may still be changed (a plan until the cycle starts; what was done while it
is studied; the study until the decision), and whether recording it for the first time moves the
cycle on (do to study, study to act).
"""

from __future__ import annotations

from dataclasses import dataclass

from culture_of_care.improvement.models import CycleStatus


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    hint: str
    fields: tuple[str, ...]
    status: str
    editable_in: tuple[str, ...]
    moves_on: bool = False

    def editable(self, status: str) -> bool:
        return status in self.editable_in


PLAN = Stage(
    "plan",
    "Plan",
    "What you will test and what you predict",
    fields=(
        "title",
        "purpose",
        "objective",
        "questions",
        "predictions",
        "plan_who",
        "plan_what",
        "plan_when",
        "plan_where",
        "data_plan",
        "planned_start",
        "planned_end",
        "involvement",
        "involvement_notes",
    ),
    status=CycleStatus.PLAN,
    editable_in=(CycleStatus.PLAN,),
)
DO = Stage(
    "do",
    "Do",
    "What happened when you tried it",
    fields=("started_on", "carried_out_as_planned", "what_happened", "observations"),
    status=CycleStatus.DO,
    editable_in=(CycleStatus.DO, CycleStatus.STUDY),
    moves_on=True,
)
STUDY = Stage(
    "study",
    "Study",
    "Results compared with your predictions",
    fields=("results", "learning"),
    status=CycleStatus.STUDY,
    editable_in=(CycleStatus.STUDY, CycleStatus.ACT),
    moves_on=True,
)
ACT = Stage(
    "act",
    "Act",
    "Adopt, adapt or abandon",
    fields=("decision", "next_step", "abandon_reason"),
    status=CycleStatus.ACT,
    editable_in=(CycleStatus.ACT,),
)

STAGES: tuple[Stage, ...] = (PLAN, DO, STUDY, ACT)
# The stages recorded through a form of their own fields (act is a decision: ``pdsa_cycle_decide``).
RECORDED: dict[str, Stage] = {stage.code: stage for stage in (PLAN, DO, STUDY)}
STATUS_ORDER: tuple[str, ...] = (*(stage.status for stage in STAGES), CycleStatus.COMPLETE)
