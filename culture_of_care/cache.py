"""The cache backend: Redis while it answers, this process's memory while it does not.

Sign-in's rate limiter keeps its counts (and a short lock) in the cache. A Redis backend that
raised would turn every sign-in into a 500; one that silently answered "nothing" would fail the
limiter's lock and refuse everyone (429). Instead, when Redis is unreachable or does not answer
within the socket timeout, this backend marks it down for ``REDIS_RETRY_AFTER`` seconds and serves
from local memory meanwhile: pages keep working, limits still apply per web process, and Redis is
tried again after the pause. Nothing here ever raises a Redis error into a view.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("culture_of_care.cache")

REDIS_ERRORS = (ConnectionInterrupted, RedisError, OSError)


class FailoverRedisCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        options.pop("IGNORE_EXCEPTIONS", None)  # errors must reach us, so we can fail over
        self.primary = RedisCache(location, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(f"failover:{location}", {**params, "OPTIONS": {}})
        self.retry_after = float(getattr(settings, "REDIS_RETRY_AFTER", 5))
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.redis_is_down:
            try:
                return getattr(self.primary, name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                with self._lock:
                    first = not self.redis_is_down
                    self._down_until = time.monotonic() + self.retry_after
                if first:
                    logger.warning(
                        "Redis cache unavailable (%s); using local memory for %ss",
                        exc.__class__.__name__,
                        self.retry_after,
                    )
        return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        self.primary.close(**kwargs)
