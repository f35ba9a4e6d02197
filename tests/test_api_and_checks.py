"""The API obeys the same scoping; the tenancy check catches unscoped queries; deploy settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from culture_of_care.accounts.management.commands import check_access
from tests.factories import WardFactory


def test_api_lists_only_reachable_wards(client_for, ward_member, ward, other_ward):
    response = client_for(ward_member).get("/api/v1/wards/")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["Willow Ward"]


def test_api_other_organisation_is_404(client_for, ward_member, other_ward):
    client = client_for(ward_member)
    assert client.get(f"/api/v1/wards/{other_ward.pk}/").status_code == 404
    code = other_ward.organisation.ods_code
    assert client.get(f"/api/v1/organisations/{code}/").status_code == 404


def test_api_needs_authentication(client, ward):
    assert client.get("/api/v1/wards/").status_code in (401, 403)


def test_api_token_authentication(client, ward_member, ward):
    from culture_of_care.tokens.services import create_token

    _, raw = create_token(user=ward_member, name="Integration")
    response = client.get("/api/v1/wards/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_api_ward_list_query_count(client_for, org_lead, org, django_assert_max_num_queries):
    WardFactory.create_batch(5, organisation=org)
    client = client_for(org_lead)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/wards/")
    assert response.json()["count"] == 5


def test_list_pages_query_count(client_for, admin, django_assert_max_num_queries):
    WardFactory.create_batch(6)
    client = client_for(admin)
    with django_assert_max_num_queries(15):
        assert client.get("/wards/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/organisations/").status_code == 200


def test_openapi_schema_is_served(client_for, ward_member):
    response = client_for(ward_member).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/wards/" in response.content


def test_access_check_passes_on_the_codebase(db):
    call_command("check_access")


def test_access_check_catches_an_unscoped_query(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "from wards.models import Ward\n\n"
        "def view(request):\n"
        "    a = Ward.objects.visible_to(request.user)\n"
        "    b = Ward.objects.filter(pk=1)\n"
        "    c = Ward.objects.all()  # access: allowed (admin-only export)\n"
        "    return a, b, c\n"
    )
    found = check_access.violations(bad, {"Ward"})
    assert len(found) == 1
    assert ":5: Ward.objects" in found[0]


def test_check_deploy_is_clean_in_a_production_like_environment():
    env = {
        **os.environ,
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": "x" * 60 + "-production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "cultureofcare.example.nhs.uk",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = {**os.environ, "DEBUG": "false", "TESTING": "false", "SECRET_KEY": ""}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/"])
def test_information_pages_are_public(client, url):
    assert client.get(url).status_code == 200


def test_shared_apps_import_only_the_tenancy_foundation_of_the_element_apps():
    """Accounts, improvement and access use nothing of the element apps but the two models
    tenancy is built on (Organisation and Ward); the rest they reach by model name only."""
    import ast

    base = Path(settings.BASE_DIR) / "culture_of_care"
    shared = [base / "access.py", *(base / "accounts").rglob("*.py")]
    shared += [*(base / "improvement").rglob("*.py"), *(base / "audit").rglob("*.py")]
    elements = {"organisations", "wards", "coaching", "risk"}
    foundation = {"organisations.models": {"Organisation"}, "wards.models": {"Ward"}}
    offenders = []
    for path in shared:
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in foundation:
                names = {alias.name for alias in node.names}
                if names <= foundation[node.module]:
                    continue
                offenders.append(f"{path}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] in elements:
                    offenders.append(f"{path}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(
                alias.name.split(".")[0] in elements for alias in node.names
            ):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


def test_makemigrations_check_needs_no_secrets():
    env = {**os.environ, "DEBUG": "false", "TESTING": "false", "SECRET_KEY": ""}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_access_check_reads_forms_too(tmp_path):
    form = tmp_path / "forms.py"
    form.write_text(
        "from wards.models import Ward\n\n"
        "class F:\n"
        "    wards = Ward.objects.none()\n"
        "    def scope(self, org_id):\n"
        "        return Ward.objects.filter(organisation_id=org_id)\n"
    )
    assert [path.name for path in check_access.checked_files(tmp_path)] == ["forms.py"]
    found = check_access.violations(form, {"Ward"})
    assert len(found) == 1
    assert ":6: Ward.objects" in found[0]


LEAK = "from culture_of_care.improvement.models import Signal\n\ndef leak():\n    return Signal.objects.all()\n"
VIEW_LIKE = [
    "wards/views.py",
    "culture_of_care/improvement/views_charts.py",
    "culture_of_care/improvement/charts/views.py",
    "culture_of_care/improvement/views/cycles.py",
    "organisations/import_views.py",
    "coaching/panels.py",
    "culture_of_care/panels.py",
    "risk/api.py",
    "culture_of_care/improvement/api/points.py",
    "coaching/forms.py",
    "culture_of_care/improvement/chart_forms.py",
    "culture_of_care/accounts/tasks.py",
    "coaching/reminders.py",
    "culture_of_care/accounts/digest.py",
    "culture_of_care/context_processors.py",
    "culture_of_care/templatetags/charts.py",
    "risk/charts.py",
    "organisations/onboarding.py",
    "wards/urls.py",
]


@pytest.mark.parametrize("module", VIEW_LIKE)
def test_a_leak_planted_in_any_view_like_module_fails_the_check(tmp_path, settings, module):
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(LEAK)
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match="Signal.objects"):
        call_command("check_access")


@pytest.mark.parametrize(
    "module",
    [
        "risk/models.py",
        "coaching/selectors.py",
        "culture_of_care/improvement/services.py",
        "wards/migrations/0002_data.py",
        "organisations/demo.py",
        "culture_of_care/demo/seed.py",
        "organisations/management/commands/import_programme.py",
        "culture_of_care/access.py",
        "risk/tests/test_pages.py",
        "conftest.py",
    ],
)
def test_only_the_named_kinds_may_query_unscoped(tmp_path, settings, module):
    path = tmp_path / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEAK)
    settings.BASE_DIR = tmp_path
    assert check_access.checked_files(tmp_path) == []
    call_command("check_access", stdout=io.StringIO())


def test_every_allowed_kind_says_why():
    assert set(check_access.UNSCOPED_KINDS) == {
        "models",
        "selectors",
        "services",
        "migrations",
        "demo",
        "management",
        "access",
    }
    assert all(len(reason) > 20 for reason in check_access.UNSCOPED_KINDS.values())
