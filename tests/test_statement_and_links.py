"""Issue 15 items 15 and 16: the accessibility statement's required sections; links and files
that work wherever the app is served."""

from __future__ import annotations

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
