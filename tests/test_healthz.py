"""/healthz reports the database, the cache and the broker separately."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def _health(client) -> tuple[int, dict]:
    response = client.get("/healthz?format=json")
    return response.status_code, response.json()


def test_everything_up(client):
    status, body = _health(client)
    assert status == 200
    assert body == {"database": "OK", "cache": "OK", "broker": "OK"}
    page = client.get("/healthz", HTTP_ACCEPT="text/plain")
    assert page.status_code == 200
    assert "database: OK" in page.text


def test_redis_cache_down_is_reported_as_the_cache_only(client):
    cache = {
        "default": {
            "BACKEND": settings.REDIS_CACHE_BACKEND,
            "LOCATION": _closed_url(),
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    with override_settings(CACHES=cache):
        status, body = _health(client)
    assert status == 500
    assert body["database"] == "OK"
    assert body["broker"] == "OK"
    assert "Redis (cache) does not answer" in body["cache"]


def test_broker_down_is_reported_as_the_broker_only(client):
    from culture_of_care.celery import app

    url = _closed_url()
    previous = app.conf.broker_url
    app.conf.broker_url = url
    try:
        with override_settings(CELERY_BROKER_URL=url):
            status, body = _health(client)
    finally:
        app.conf.broker_url = previous
    assert status == 500
    assert body["database"] == "OK"
    assert body["cache"] == "OK"
    assert "broker does not answer" in body["broker"]
