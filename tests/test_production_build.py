"""The production build: static files collected with DEBUG off and pages served through the
hashed manifest, as the Dockerfile and CI build them. A missing file a stylesheet or script names
(its source map, an image) stops collectstatic, and without a manifest every page is a 500."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """The directory `collectstatic` filled with DEBUG off: CI's build when it made one
    (``STATIC_BUILD_DIR``), otherwise built here exactly as the Dockerfile does."""
    built = os.environ.get("STATIC_BUILD_DIR")
    if built:
        root = Path(built)
    else:
        root = tmp_path_factory.mktemp("staticfiles")
        env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG"}}
        env.update(DEBUG="0", SECRET_KEY="build-only", STATIC_ROOT=str(root))
        result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert (root / "staticfiles.json").exists(), f"no manifest in {root}"
    return root


@pytest.fixture
def production_client(collected_static):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=collected_static,
        STORAGES=storages,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    ):
        yield Client()  # a new client loads the middleware, so WhiteNoise reads STATIC_ROOT


@pytest.mark.django_db
def test_sign_in_page_is_served_through_the_manifest(production_client):
    response = production_client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.text
    app_css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    nhsuk_css = re.search(
        r'href="(/static/vendor/nhsuk/nhsuk-frontend\.min\.[0-9a-f]{12}\.css)"', html
    )
    assert app_css, "the page does not link the hashed app stylesheet"
    assert nhsuk_css, "the page does not link the hashed NHS.UK stylesheet"

    for url in (app_css.group(1), nhsuk_css.group(1)):
        css = production_client.get(url)
        assert css.status_code == 200, url
        assert css["Content-Type"].startswith("text/css")
        assert "immutable" in css["Cache-Control"]

    # The NHS.UK stylesheet's source map was collected and its reference rewritten to the copy.
    body = b"".join(production_client.get(nhsuk_css.group(1)).streaming_content).decode()
    source_map = re.search(r"sourceMappingURL=(nhsuk-frontend\.min\.css\.[0-9a-f]{12}\.map)", body)
    assert source_map, "the stylesheet's source map reference was not rewritten"
    assert production_client.get(f"/static/vendor/nhsuk/{source_map.group(1)}").status_code == 200


@pytest.mark.django_db
def test_scripts_are_hashed_too(production_client):
    html = production_client.get(reverse("account_login")).text
    scripts = re.findall(r'src="(/static/[^"]+\.m?js)"', html)
    assert scripts, "no scripts on the sign-in page"
    for src in scripts:
        assert re.search(r"\.[0-9a-f]{12}\.m?js$", src), src
        assert production_client.get(src).status_code == 200, src
