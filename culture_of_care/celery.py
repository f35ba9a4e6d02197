"""The Celery application: reminders and reporting jobs, scheduled by beat in Europe/London."""

import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "culture_of_care.settings")

app = Celery("culture_of_care")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def _workers_wait_on_the_broker(conf, **kwargs):
    """Web processes use short Redis socket timeouts so a hung broker never holds a request
    (settings.REDIS_SOCKET_TIMEOUT). A worker long-polls the broker on purpose, so its reads
    wait longer (``CELERY_WORKER_SOCKET_TIMEOUT``), which keeps redelivery of lost jobs working."""
    from django.conf import settings

    options = dict(conf.broker_transport_options or {})
    options["socket_timeout"] = settings.CELERY_WORKER_SOCKET_TIMEOUT
    options["socket_connect_timeout"] = settings.CELERY_WORKER_SOCKET_TIMEOUT
    options.pop("retry_on_timeout", None)
    conf.broker_transport_options = options
