"""Strict headers on every page (issue 16, item 5) and secrets that refuse to be weak."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/api/docs/", "/accounts/tokens/"])
def test_every_page_sends_a_strict_csp(client_for, ward_member, path):
    response = client_for(ward_member).get(path)
    assert response.status_code == 200
    policy = _directives(response)
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], (directive, policy[directive])
        assert "'unsafe-inline'" not in policy[directive]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_sign_in_forms_may_post_on_to_the_configured_sso_provider(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "organisation",
                    "client_id": "x",
                    "settings": {"server_url": "https://login.example.nhs.uk/tenant/v2.0"},
                }
            ]
        }
    }
    policy = _directives(client.get("/accessibility/"))
    assert policy["form-action"] == ["'self'", "https://login.example.nhs.uk"]
    assert policy["script-src"] == ["'self'"]


def test_permissions_policy_and_the_existing_headers_stay(client, db):
    response = client.get("/accounts/login/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_api_responses_carry_the_headers_too(client_for, ward_member):
    response = client_for(ward_member).get("/api/v1/wards/")
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), 'a style="" attribute'),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an inline event handler"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler (evaluated code)"),
]


def test_no_template_has_inline_script_or_style():
    """The CSP forbids them; a template that adds one would break under it."""
    base = Path(settings.BASE_DIR)
    folders = [
        base / "templates",
        *base.glob("*/templates"),
        *base.glob("culture_of_care/*/templates"),
    ]
    found = []
    for folder in folders:
        for template in folder.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for pattern, what in _INLINE:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{template.relative_to(base)}:{line}: {what}")
    assert not found, "\n".join(found)


def _manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "false",
        "TESTING": "false",
        "ALLOWED_HOSTS": "cultureofcare.example.nhs.uk",
        "DATABASE_URL": "sqlite:///:memory:",
        **env_overrides,
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_placeholder_secret_key_is_refused_when_debug_is_off():
    result = _manage({"SECRET_KEY": settings.SECRET_KEY_PLACEHOLDER})
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_short_secret_key_is_refused_when_debug_is_off():
    result = _manage({"SECRET_KEY": "k" * 49})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_placeholder_is_what_env_example_holds():
    example = (Path(settings.BASE_DIR) / ".env.example").read_text()
    assert f"SECRET_KEY={settings.SECRET_KEY_PLACEHOLDER}" in example


def test_a_long_random_secret_key_starts():
    result = _manage({"SECRET_KEY": "k9" * 30})
    assert result.returncode == 0, result.stderr


def test_dockerignore_keeps_secrets_environments_and_databases_out():
    lines = (Path(settings.BASE_DIR) / ".dockerignore").read_text().splitlines()
    for entry in (".env", ".venv", "node_modules", "*.sqlite3", ".git"):
        assert entry in lines
