"""Issue 15 item 13: the session form starts on today's date; other coaches are checkboxes."""

from __future__ import annotations

from django.urls import reverse


def test_session_form_starts_on_today_with_other_coaches_as_checkboxes(
    client_for, leadership_coach, risk_lead
):
    from django.utils import timezone

    page = client_for(leadership_coach).get(reverse("coaching:session_new"))
    assert page.status_code == 200
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page.text
    assert 'name="other_coaches" type="checkbox"' in page.text
    assert "Rhys Risk" in page.text
    assert "Ctrl" not in page.text
