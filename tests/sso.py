"""Helpers for tests that sign in through the loopback OpenID Connect provider
(``tests/oidc_provider.py``), run as a real process for the test session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

CLIENT_ID = "culture-of-care-tests"
CLIENT_SECRET = "loopback-secret-for-tests"  # noqa: S105 - a test provider's, not a real one
PROVIDER_ID = "loopback"
PROVIDER_NAME = "Loopback NHS account"


@dataclass
class LoopbackProvider:
    issuer: str

    def settings(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS configured for this provider, as settings.py builds it."""
        return {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": PROVIDER_ID,
                        "name": PROVIDER_NAME,
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": self.issuer, "fetch_userinfo": True},
                    }
                ],
            }
        }


@contextmanager
def loopback_provider() -> Iterator[LoopbackProvider]:
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(  # noqa: S603 - our own test provider, fixed arguments
        [
            sys.executable,
            "-m",
            "tests.oidc_provider",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        issuer = process.stdout.readline().strip()
        assert issuer.startswith("http://127.0.0.1:"), issuer
        yield LoopbackProvider(issuer=issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


class _Hidden(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag == "input" and data.get("type") == "hidden" and data.get("name"):
            self.fields[data["name"] or ""] = data.get("value") or ""


def provider_sign_in(authorize_url: str, *, email: str, mfa: bool, verified: bool = True) -> str:
    """Do what a person does on the provider's page; return where it sends the browser back."""
    page = requests.get(authorize_url, timeout=10)
    page.raise_for_status()
    parser = _Hidden()
    parser.feed(page.text)
    form = {**parser.fields, "email": email}
    if mfa:
        form["mfa"] = "1"
    if not verified:
        form["unverified"] = "1"
    parsed = urlparse(authorize_url)
    answer = requests.post(
        f"{parsed.scheme}://{parsed.netloc}/authorize", data=form, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def client_sign_in(client: Any, *, email: str, mfa: bool, process: str = "login", **extra: Any):
    """Sign in with the Django test client through the provider; return the final response."""
    from django.urls import reverse

    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}),
        {"process": process, **extra},
    )
    assert start.status_code == 302, start.content
    return client_follow_provider(client, start["Location"], email=email, mfa=mfa)


def client_follow_provider(client: Any, authorize_url: str, *, email: str, mfa: bool, **kw: Any):
    back = urlparse(provider_sign_in(authorize_url, email=email, mfa=mfa, **kw))
    return client.get(f"{back.path}?{back.query}")
