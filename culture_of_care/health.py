"""/healthz: the database, the cache and the broker, each reported on its own
(django-health-check). 200 when all answer, 500 naming the one that does not.

The cache check asks Redis itself: the cache backend fails over to local memory so pages keep
working, and a check through it would hide that Redis is down.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.core.cache import caches
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from culture_of_care.cache import REDIS_ERRORS, FailoverRedisCache


@dataclasses.dataclass(repr=False)
class DatabaseCheck(Database):
    def __repr__(self) -> str:
        return "database"


@dataclasses.dataclass(repr=False)
class CacheCheck(HealthCheck):
    """Set and read back a key in the cache's own store (Redis when configured)."""

    alias: str = "default"
    timeout = datetime.timedelta(seconds=3)

    def __repr__(self) -> str:
        return "cache"

    def run(self) -> None:
        cache = caches[self.alias]
        store = cache.primary if isinstance(cache, FailoverRedisCache) else cache
        try:
            store.set("healthz-probe", "ok", 10)
            if store.get("healthz-probe") != "ok":
                raise ServiceUnavailable("the cache did not return what was stored")
        except REDIS_ERRORS as exc:
            raise ServiceUnavailable("Redis (cache) does not answer") from exc


@dataclasses.dataclass(repr=False)
class BrokerCheck(HealthCheck):
    """Connect to the Celery broker (tasks run in-process when there is none)."""

    timeout = datetime.timedelta(seconds=3)

    def __repr__(self) -> str:
        return "broker"

    def run(self) -> None:
        from culture_of_care.celery import app

        if settings.CELERY_BROKER_URL.startswith("memory://"):
            return  # no broker: tasks run in the web process (the embedded demo)
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=settings.REDIS_CONNECT_TIMEOUT)
                connection.default_channel.client.ping()
        except Exception as exc:  # kombu and redis raise many kinds; all mean "down"
            raise ServiceUnavailable("the broker does not answer") from exc


class HealthView(HealthCheckView):
    checks = (DatabaseCheck, CacheCheck, BrokerCheck)
