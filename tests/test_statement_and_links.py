"""Issue 15 items 15 and 16: the accessibility statement's required sections; links and files
that work wherever the app is served."""

from __future__ import annotations

import csv
import io

from django.urls import reverse


def test_accessibility_statement_has_the_sections_the_regulations_require(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    for heading in (
        "Compliance status",
        "Known issues: content that is not accessible",
        "How to report a problem or ask for another format",
        "Enforcement procedure",
        "Preparation of this statement",
    ):
        assert f">{heading}</h2>" in response.text
    assert "partially compliant" in response.text
    assert "Equality and Human Rights Commission" in response.text
    assert "This statement was prepared on 1 December 2026" in response.text
    assert 'href="mailto:culture-of-care@example.org"' in response.text


def test_no_stylesheet_or_page_asks_another_host_for_anything(db):
    """The NHS.UK stylesheet's Frutiger @font-face (from assets.nhs.uk) is stripped at build."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    stylesheets = [
        Path(path)
        for finder in finders.get_finders()
        for name, storage in finder.list([])
        if name.endswith(".css") and (path := storage.path(name))
    ]
    assert any(p.name == "nhsuk-frontend.min.css" for p in stylesheets)
    for path in stylesheets:
        css = path.read_text(encoding="utf-8")
        if path.name == "nhsuk-frontend.min.css":
            assert "@font-face" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), path
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=\"(https?:)?//", html), (
            template
        )


def test_strip_font_faces_keeps_everything_else():
    from culture_of_care.assets import strip_font_faces

    css = (
        "a{color:red}@font-face{font-family:X;src:url(https://fonts.example/x.woff2)}"
        "body{font-family:X,Arial,sans-serif}"
    )
    assert strip_font_faces(css) == "a{color:red}body{font-family:X,Arial,sans-serif}"


def test_invitation_link_uses_the_address_the_app_is_served_on(
    client_for, org_lead, ward, django_capture_on_commit_callbacks
):
    from django.core import mail

    client = client_for(org_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:invite", args=[ward.organisation.ods_code]),
            {"full_name": "Pat Port", "email": "pat@example.org", "ward": ward.pk},
            HTTP_HOST="localhost:8123",
        )
    assert response.status_code == 302
    assert "http://localhost:8123/accounts/invitation/" in mail.outbox[-1].body


def test_csv_downloads_start_with_a_utf8_byte_order_mark(client_for, leadership_coach, org):
    from coaching.tests.factories import ExecutiveSessionFactory

    ExecutiveSessionFactory(organisation=org, shared_summary="Zoë's board culture")
    response = client_for(leadership_coach).get(reverse("coaching:session_export"))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.startswith("Date,Kind,")
    assert "Zoë's board culture" in text


def test_every_csv_download_neutralises_formula_cells(client_for, leadership_coach, org):
    """The coaching export goes through the one CSV writer, so a summary a spreadsheet would run
    as a formula arrives as text, as in the dashboard and equity exports."""
    from coaching.tests.factories import ExecutiveSessionFactory

    ExecutiveSessionFactory(organisation=org, shared_summary='=HYPERLINK("x")')
    response = client_for(leadership_coach).get(reverse("coaching:session_export"))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    summaries = [row[rows[0].index("Shared summary")] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in summaries
