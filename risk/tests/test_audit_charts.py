"""Risk audit p-charts go through the shared chart code: the same Making Data Count colours,
shapes, legend and wording as a ward's chart of the same numbers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from culture_of_care import suppression
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.charts.selectors import chart_for
from culture_of_care.improvement.charts.svg import IMPROVEMENT, chart_svg
from culture_of_care.improvement.tests.chart_factories import MeasureFactory, add_series
from risk.charts import measure_chart
from risk.models import AUDIT_FIELDS
from risk.selectors import AuditQuarter
from risk.tests.factories import CareRecordAuditFactory

pytestmark = pytest.mark.django_db

# Nine quarters around half the records with a formulation, then nearly all of them.
FORMULATIONS = [20, 19, 21, 20, 22, 18, 20, 21, 19, 38]
SAMPLE = 40


def quarters(n: int) -> list[date]:
    return [date(2023 + (i // 4), 1 + 3 * (i % 4), 1) for i in range(n)]


def audit_series() -> list[AuditQuarter]:
    return [
        AuditQuarter(
            q, SAMPLE, {name: (x if name == "with_formulation" else 10) for name in AUDIT_FIELDS}
        )
        for q, x in zip(quarters(len(FORMULATIONS)), FORMULATIONS, strict=True)
    ]


def drawn(svg: str) -> dict[str, set[str]]:
    """What a chart draws: its classes, legend entries and marker colours."""
    return {
        "classes": set(" ".join(re.findall(r'class="(app-spc-[^"]+)"', svg)).split()),
        "legend": set(
            re.findall(r'app-spc-legend--[a-z]+" [^>]*>.*?<text x="26" y="4" [^>]*>([^<]+)<', svg)
        ),
        "colours": set(re.findall(r'class="app-spc-point [^"]+"[^>]*fill="(#[0-9a-f]{6})"', svg)),
    }


def test_a_risk_audit_chart_draws_like_a_ward_chart_of_the_same_numbers(ward):
    audit = measure_chart(
        audit_series(), "with_formulation", "Records with a safety formulation", "increase"
    )
    measure = MeasureFactory(
        name="Records with a safety formulation",
        kind="percentage",
        chart_type="p",
        improvement="increase",
        multiplier=Decimal(1),
    )
    add_series(measure, ward, FORMULATIONS, [SAMPLE] * len(FORMULATIONS))
    ward_chart = chart_for(Scope.for_ward(ward), measure)

    audit_svg, ward_svg = str(chart_svg(audit.chart)), str(chart_svg(ward_chart))
    assert drawn(audit_svg) == drawn(ward_svg)
    assert "app-spc-point--improvement" in drawn(audit_svg)["classes"]
    assert {"Mean", "Process limits", "Common cause", "Special cause: improvement"} <= drawn(
        audit_svg
    )["legend"]
    assert IMPROVEMENT in drawn(audit_svg)["colours"]
    # The same special cause, in the same words.
    assert [p.point_type for p in audit.chart.points] == [p.point_type for p in ward_chart.points]
    assert audit.chart.latest.rule == ward_chart.latest.rule
    assert "above the upper limit: special cause improvement" in audit.summary
    assert "above the upper limit: special cause improvement" in ward_chart.summary


def test_a_suppressed_quarter_is_a_gap_not_a_point():
    series = audit_series()
    series[3] = AuditQuarter(series[3].quarter, 4, {name: 2 for name in AUDIT_FIELDS})
    rules = suppression.Rules(min_count=5, round_to=5)
    audit = measure_chart(
        series, "with_formulation", "Records with a safety formulation", "increase", rules=rules
    )
    assert audit.chart.points[3].value is None
    assert audit.rows[3].shown_percent == "*" and audit.rows[3].signal == "Not shown"
    assert "fewer than 5 records" in audit.summary
    svg = str(chart_svg(audit.chart))
    # The data line is lifted over the gap: two runs of points, not one.
    (line,) = re.findall(r'class="app-spc-line" d="([^"]+)"', svg)
    assert line.count("M") == 2
    assert len(re.findall(r'class="app-spc-point ', svg)) == len(series) - 1 + len(
        re.findall(r"app-spc-legend--(?:common|improvement|concern|neutral)", svg)
    )


def test_the_audits_page_draws_the_shared_chart(client_for, org_lead, participation):
    org = participation.organisation
    for day, x in zip(quarters(len(FORMULATIONS)), FORMULATIONS, strict=True):
        CareRecordAuditFactory(
            organisation=org, audit_date=day, sample_size=SAMPLE, with_formulation=x
        )
    page = client_for(org_lead).get(reverse("risk:audits", args=[org.ods_code])).text
    assert page.count('class="app-chart" role="img"') == 5
    assert "app-spc-legend--mean" in page and "app-spc-point--improvement" in page
    assert f'fill="{IMPROVEMENT}"' in page
    assert "app-chart__special" not in page  # the old hand-drawn squares are gone
    assert "above the upper limit: special cause improvement" in page
