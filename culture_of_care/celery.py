"""The Celery application: reminders and reporting jobs, scheduled by beat in Europe/London."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "culture_of_care.settings")

app = Celery("culture_of_care")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
