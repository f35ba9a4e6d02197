"""Factories for the QI method (projects, change ideas, cycles, data)."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from culture_of_care.improvement.models import (
    ChangeIdea,
    ChangeTheory,
    CycleStatus,
    DataPoint,
    Measure,
    PDSACycle,
    Project,
    ProjectKind,
)
from tests.factories import WardFactory


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    ward = factory.SubFactory(WardFactory)
    organisation = factory.SelfAttribute("ward.organisation")
    kind = ProjectKind.WARD
    title = factory.LazyAttribute(lambda o: f"{o.ward.name} improvement project")
    aim_what = "Reduce restrictive practice"
    aim_how_much = "By 30%"
    aim_by_when = date(2027, 3, 31)
    change_theory = factory.LazyFunction(
        lambda: ChangeTheory.objects.get(level="ward", status="published")
    )

    @factory.post_generation
    def with_measures(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.measures.set(Measure.objects.national().filter(code__in=["rp_all", "feel_safe"]))


class ChangeIdeaFactory(DjangoModelFactory):
    class Meta:
        model = ChangeIdea

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    ward = factory.SelfAttribute("project.ward")
    title = factory.Sequence(lambda n: f"a daily community meeting {n}")


class PDSACycleFactory(DjangoModelFactory):
    class Meta:
        model = PDSACycle

    change_idea = factory.SubFactory(ChangeIdeaFactory)
    organisation = factory.SelfAttribute("change_idea.organisation")
    ward = factory.SelfAttribute("change_idea.ward")
    number = 1
    title = factory.LazyAttribute(lambda o: o.change_idea.title)
    objective = "See whether a morning meeting calms the ward"
    predictions = "Fewer incidents in the afternoon"
    status = CycleStatus.PLAN


class CompletedCycleFactory(PDSACycleFactory):
    status = CycleStatus.COMPLETE
    what_happened = "We held the meeting every day"
    carried_out_as_planned = True
    results = "Incidents fell as predicted"
    learning = "Patients chairing the meeting made the difference"
    decision = "adopt"


class DataPointFactory(DjangoModelFactory):
    class Meta:
        model = DataPoint

    ward = factory.SubFactory(WardFactory)
    organisation = factory.SelfAttribute("ward.organisation")
    measure = factory.LazyFunction(lambda: Measure.objects.get(code="rp_all"))
    period_start = date(2026, 1, 1)
    numerator = 5
    denominator = 500


def ensure_reference_data() -> None:
    """Load the commitments, national measures and starter theories again if a test emptied
    the database (browser tests flush it, and the live server's rollback does not restore it)."""
    from culture_of_care.improvement.models import Commitment

    if Commitment.objects.exists():
        return
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "culture_of_care.improvement.migrations.0002_reference_data"
    )
    migration.load(apps, None)


def qi_scene(ward) -> dict:
    """A ward's project with a change idea, cycles at several stages, a shared completed cycle
    and a year of data: enough for every QI page to have something to show."""
    from culture_of_care.improvement import services

    ensure_reference_data()

    project = services.ward_project_ensure(ward=ward)
    project.aim_what = "Reduce restrictive practice"
    project.aim_how_much = "By 30%"
    project.aim_by_when = date(2027, 3, 31)
    project.save()
    project.measures.set(Measure.objects.national().filter(code__in=["rp_all", "feel_safe"]))
    idea = ChangeIdeaFactory(project=project, title="A daily community meeting", status="testing")
    planned = PDSACycleFactory(change_idea=idea, number=3, title="Evening meeting")
    done = CompletedCycleFactory(change_idea=idea, number=1, shared=True, decision="adapt")
    CompletedCycleFactory(change_idea=idea, number=2, previous=done, decision="adapt")
    rp = Measure.objects.get(code="rp_all")
    for month in range(1, 13):
        DataPointFactory(ward=ward, measure=rp, period_start=date(2025, month, 1))
    return {"project": project, "idea": idea, "cycle": planned, "shared": done, "measure": rp}
