"""Refreshing the dashboard snapshots: nightly, and after a data change for one organisation."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from culture_of_care.reporting import services as snapshots
from culture_of_care.reporting.board.tasks import (  # noqa: F401 - Celery finds them here
    board_report_make_task,
    board_reports_monthly,
    board_reports_sweep,
)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def refresh_all_snapshots() -> int:
    """Every ward, organisation, region and the programme (nightly). Idempotent."""
    return snapshots.snapshots_refresh()


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def refresh_organisation_snapshots(organisation_id: int) -> int:
    """One organisation's wards and the figures above them, after its data changed."""
    return snapshots.snapshots_refresh(organisation_ids=[organisation_id])


def queue_organisation_refresh(organisation_id: int) -> None:
    """Queue a refresh once the change is committed (in-process when there is no Redis)."""
    transaction.on_commit(lambda: refresh_organisation_snapshots.delay(organisation_id))
