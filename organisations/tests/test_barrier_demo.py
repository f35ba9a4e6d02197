"""Demo barriers: every stage of the loop on the first demo ward, nothing dated in the future."""

from __future__ import annotations

from django.utils import timezone

from culture_of_care.demo import DemoContext
from organisations.demo import seed_barriers
from organisations.models import Barrier, BarrierStatus, BarrierStep
from organisations.selectors import barrier_queue


def test_demo_barriers_show_every_stage(org, ward, ward_member, org_lead, middle_tier_idea):
    ctx = DemoContext(scale=1, today=timezone.localdate(), organisations=[org], wards=[ward])
    seed_barriers(ctx)
    barriers = Barrier.objects.filter(ward=ward)
    assert set(barriers.values_list("status", flat=True)) == set(BarrierStatus.values)
    escalated = Barrier.objects.escalated()
    assert escalated.filter(escalated_at__isnull=False).exists()  # marked by the lead
    assert escalated.filter(escalated_at__isnull=True).exists()  # past the threshold
    assert barriers.filter(linked_cycle__isnull=False).exists()
    assert not BarrierStep.objects.filter(created_at__gt=timezone.now()).exists()
    assert all(b.raised_by == ward_member for b in barriers)
    for barrier in barriers.filter(status__in=["resolved", "cannot_change"]):
        assert barrier.closed_at and barrier.outcome
    # The organisation lead's queue has them all.
    assert barrier_queue(org_lead, org, status="all").count() == barriers.count()
    assert ctx.stats["barriers"] == barriers.count()
