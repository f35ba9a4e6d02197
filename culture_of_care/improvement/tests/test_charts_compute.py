"""The pure layers of the charts package: compute and summary from plain rows (no database),
and the package's shape (pure layers import no ORM, no module imports one that imports it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from culture_of_care.improvement import spc
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.compute import compute_chart
from culture_of_care.improvement.charts.results import Scope, SeriesInput

PACKAGE = Path(__file__).resolve().parents[1] / "charts"
PURE = {"labels", "results", "summary", "compute", "svg"}


@dataclass(frozen=True)
class PlainMeasure:
    name: str = "Incidents"
    kind: str = "count"
    improvement: str = "decrease"
    chart_type: str = "xmr"
    frequency: str = "monthly"
    multiplier: Decimal = Decimal(1)
    target: Decimal | None = None
    denominator_label: str = ""


def months(n: int) -> list[date]:
    return [date(2024 + i // 12, i % 12 + 1, 1) for i in range(n)]


def chart_of(values: list[float], fix_after: int | None = None, **measure: object):
    rows = [(p, float(v), None) for p, v in zip(months(len(values)), values, strict=True)]
    series = SeriesInput(
        measure=PlainMeasure(**measure), scope=Scope("ward", 1, 1), rows=rows, fix_after=fix_after
    )
    return compute_chart(series)


BASE = [10, 11, 9, 10, 12, 9, 11, 10, 9, 11, 10, 12, 9, 10, 11]


@pytest.mark.parametrize(
    ("tail", "rule", "sentence"),
    [
        ([40], spc.Rule.ABOVE_UCL, "The latest month (April 2025, 40) is above the upper limit"),
        (
            [9.1, 9.3, 9.5, 9.7, 9.9, 10.1, 10.3],
            spc.Rule.TREND_INCREASING,
            "The last 7 months have each been higher than the one before",
        ),
        ([13.5, 13.6, 10.5], spc.Rule.COMMON_CAUSE, "shows no special cause"),
        ([8, 8, 8, 8, 8, 8, 8], spc.Rule.SHIFT_BELOW, "The last 7 months are below the average"),
    ],
)
def test_the_summary_follows_the_latest_rule(tail, rule, sentence):
    chart = chart_of(BASE + tail)
    assert chart.latest.rule == rule
    assert sentence in chart.summary


def test_two_in_three_close_to_a_limit_is_said_so():
    # Limits frozen on 12 points alternating 9.5 and 10.5: 7.34 to 12.66, 2-sigma at 11.77.
    chart = chart_of([9.5, 10.5] * 6 + [12, 10.5, 12], fix_after=12)
    assert chart.latest.rule == spc.Rule.TWO_IN_THREE_ABOVE
    assert "Two of the last three months are close to the upper limit" in chart.summary
    assert "special cause concern" in chart.summary  # higher is worse for this measure


def test_run_chart_points_and_icon_come_from_spc():
    values = [5, 6, 5, 6, 5, 6, 5, 1, 2, 3, 4, 9]
    chart = chart_of(values, chart_type="run", improvement="increase")
    result = spc.run_chart(values, improvement="increase")
    assert [p.point_type for p in chart.points] == [p.point_type for p in result.points]
    assert chart.variation == result.variation == "improvement_high"
    assert "The last 5 months have each been higher than the one before" in chart.summary
    assert "special cause improvement" in chart.summary


def test_run_chart_shift_is_described_against_the_median():
    chart = chart_of([5, 6, 5, 6, 5, 6, 1, 2, 1, 2, 1, 2], chart_type="run")
    assert chart.latest.rule == spc.Rule.RUN_SHIFT_BELOW
    assert "The last 6 months are below the median since January 2024" in chart.summary


def test_the_sentence_does_not_read_the_rule_labels(monkeypatch):
    tail = [9.1, 9.3, 9.5, 9.7, 9.9, 10.1, 10.3]
    before = chart_of(BASE + tail).summary
    monkeypatch.setattr(labels, "RULE_LABELS", {r: f"Rule {i}" for i, r in enumerate(spc.Rule)})
    assert chart_of(BASE + tail).summary == before
    assert "have each been higher" in before


def test_quarters_are_counted_in_quarters():
    rows = [(p, 8.0, 10.0) for p in months(4)]
    chart = compute_chart(
        SeriesInput(
            measure=PlainMeasure(kind="percentage", chart_type="p", frequency="quarterly"),
            scope=Scope("audit"),
            rows=rows,
            period_labels={p: (f"Q{i + 1}", f"Q{i + 1}s") for i, p in enumerate(months(4))},
        )
    )
    assert chart.chart_type == "p"
    assert [p.label for p in chart.points] == ["Q1", "Q2", "Q3", "Q4"]
    assert [p.short_label for p in chart.points] == ["Q1s", "Q2s", "Q3s", "Q4s"]
    assert chart.summary.startswith("The latest quarter (Q4, 80.0%) shows no special cause")
    assert "fewer than 12 points since Q1" in chart.warnings[0]


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_pure_layers_import_no_orm():
    for module in PURE:
        imported = _imports(module)
        assert not any(
            name.startswith("django.db") or name.endswith(".models") for name in imported
        ), module


def test_no_module_of_the_package_imports_one_that_imports_it():
    prefix = "culture_of_care.improvement.charts."
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {
        m: {n.removeprefix(prefix) for n in _imports(m) if n.removeprefix(prefix) in modules}
        for m in modules
    }
    assert not _imports("__init__")  # loading one layer never loads the others

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start]
        )

    assert [m for m in modules if reaches(m, m, set())] == []
