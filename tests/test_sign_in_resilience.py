"""Sign-in without Redis, and a lock-out nobody can cause on purpose.

The rate limiter keeps its counts in the cache. With Redis stopped or hung the cache answers a
miss within its socket timeout instead of raising, so sign-in and password reset keep working
(the limiter fails open, as the README states). Failed passwords pause one account, never an
address a whole trust shares, and the account's owner ends the pause by resetting the password.
"""

from __future__ import annotations

import re
import socket
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "a-Strong-password-123"
pytestmark = pytest.mark.django_db


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": settings.REDIS_CACHE_BACKEND,
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: connections refused


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _sign_in(client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


@pytest.mark.parametrize("redis_state", ["stopped", "hung"])
def test_sign_in_and_password_reset_work_without_redis(client, ward_member, redis_state, request):
    url = (
        f"redis://127.0.0.1:{_closed_port()}/0"
        if redis_state == "stopped"
        else request.getfixturevalue("hung_redis")
    )
    with override_settings(CACHES=_redis_cache(url)):
        wrong = _sign_in(client, "ward@example.org", "wrong")
        assert wrong.status_code == 200
        assert "nhsuk-error-summary" in wrong.text

        right = _sign_in(client, "ward@example.org", PASSWORD)
        assert right.status_code == 302
        assert client.session["_auth_user_id"] == str(ward_member.pk)
        client.logout()

        reset = client.post(reverse("account_reset_password"), {"email": "ward@example.org"})
        assert reset.status_code == 302
        assert mail.outbox[-1].to == ["ward@example.org"]


def test_wrong_passwords_pause_that_account_only(client, ward_member, db):
    other = UserFactory(email="colleague@example.org")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(settings.LOGIN_FAILED_PER_ACCOUNT):
        _sign_in(client, "ward@example.org", "wrong")
    paused = _sign_in(client, "ward@example.org", PASSWORD)
    assert "paused" in paused.text
    assert "reset your password" in paused.text
    assert "_auth_user_id" not in client.session

    # Someone else at the same address (one NAT for the whole trust) signs in as normal.
    assert _sign_in(client, "colleague@example.org", PASSWORD).status_code == 302


def test_many_failures_from_one_address_do_not_lock_out_everyone_there(client, db):
    people = [UserFactory(email=f"nurse{n}@example.org") for n in range(8)]
    for person in people:
        person.set_password(PASSWORD)
        person.save()
    for person in people[:-1]:
        _sign_in(client, person.email, "wrong")
    assert _sign_in(client, people[-1].email, PASSWORD).status_code == 302


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_client_address_comes_from_the_trusted_proxy(rf):
    from culture_of_care.accounts.adapters import AccountAdapter

    adapter = AccountAdapter()
    behind_proxy = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert adapter.get_client_ip(behind_proxy) == "203.0.113.9"
    # A client cannot choose its address by adding entries: the proxy's own entry is used.
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert adapter.get_client_ip(spoofed) == "203.0.113.9"
    # Reaching us without the proxy: the direct peer, not a server error.
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7")
    assert adapter.get_client_ip(direct) == "198.51.100.7"
    junk = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="198.51.100.7")
    assert adapter.get_client_ip(junk) == "198.51.100.7"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(rf):
    from culture_of_care.accounts.adapters import AccountAdapter

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="198.51.100.7")
    assert AccountAdapter().get_client_ip(request) == "198.51.100.7"


def test_resetting_the_password_ends_the_pause(client, ward_member):
    for _ in range(settings.LOGIN_FAILED_PER_ACCOUNT):
        _sign_in(client, "ward@example.org", "wrong")
    assert "paused" in _sign_in(client, "ward@example.org", PASSWORD).text

    client.post(reverse("account_reset_password"), {"email": "ward@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "Daffodils-in-spring-77"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    client.logout()
    assert _sign_in(client, "ward@example.org", new_password).status_code == 302


def test_the_limiter_still_counts_while_redis_is_down(client, ward_member):
    """Degraded, not switched off: with Redis stopped the pause still applies (per process)."""
    with override_settings(CACHES=_redis_cache(f"redis://127.0.0.1:{_closed_port()}/0")):
        for _ in range(settings.LOGIN_FAILED_PER_ACCOUNT):
            _sign_in(client, "ward@example.org", "wrong")
        assert "paused" in _sign_in(client, "ward@example.org", PASSWORD).text


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")
def test_the_cache_uses_redis_while_it_answers():
    import redis
    from django.core.cache import caches

    with override_settings(CACHES=_redis_cache(settings.REDIS_URL)):
        cache = caches["default"]
        cache.set("resilience-probe", "here", 30)
        assert cache.get("resilience-probe") == "here"
        assert not cache.redis_is_down
        raw = redis.Redis.from_url(settings.REDIS_URL)
        assert any(b"resilience-probe" in key for key in raw.keys("*resilience-probe*"))
        cache.delete("resilience-probe")
