"""Celery tasks for board reports: thin, taking ids; the services do the work once."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="reporting.board_report_make",
    acks_late=True,
    soft_time_limit=300,
    time_limit=360,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def board_report_make_task(report_id: int) -> str:
    """Make one queued board report (a second delivery of the same job does nothing)."""
    from culture_of_care.reporting.board.services import board_report_make

    return board_report_make(report_id=report_id).status


@shared_task(name="reporting.board_reports_monthly", acks_late=True, time_limit=600)
def board_reports_monthly() -> int:
    """The beat schedule's monthly run, the day after the submission deadline."""
    from culture_of_care.reporting.board.services import board_reports_schedule

    return len(board_reports_schedule())


@shared_task(name="reporting.board_reports_sweep", acks_late=True, time_limit=120)
def board_reports_sweep() -> int:
    """Pick up reports left queued or stuck (broker down, worker killed)."""
    from culture_of_care.reporting.board.services import board_reports_sweep as sweep

    return sweep()
