"""Issue 15 item 13: the long risk dashboard has in-page navigation, and the heat map scrolls
in its own region with the organisation column kept in view (never cut off)."""

from __future__ import annotations

from django.urls import reverse


def test_dashboard_has_in_page_navigation_to_each_cohort_section(
    client_for, risk_lead, participation
):
    response = client_for(risk_lead).get(reverse("risk:dashboard"))
    assert response.status_code == 200
    text = response.text
    assert 'aria-label="On this page"' in text
    code = participation.cohort
    for anchor in (f"cohort-{code}", f"heat-{code}", f"milestones-{code}", f"audits-{code}"):
        assert f'href="#{anchor}"' in text
        assert f'id="{anchor}"' in text
    assert 'class="app-table-scroll app-heat-map"' in text
