"""Reporting's Celery tasks (Celery finds this module in every installed app)."""

from culture_of_care.reporting.board.tasks import (  # noqa: F401 - registers the tasks
    board_report_make_task,
    board_reports_monthly,
    board_reports_sweep,
)
