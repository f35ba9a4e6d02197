"""The one small-number rule (culture_of_care/suppression.py): thresholds and the people floor."""

from __future__ import annotations

import ast
from pathlib import Path

from culture_of_care import suppression
from culture_of_care.suppression import Rules


def test_the_module_imports_nothing_of_django_at_module_level():
    tree = ast.parse(Path(suppression.__file__).read_text(encoding="utf-8"))
    imported = [
        name
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    ]
    assert imported and not [name for name in imported if name.split(".")[0] == "django"]


def test_rules_come_from_settings_and_the_people_floor_follows_the_count(settings):
    assert Rules.from_settings() == Rules(min_count=5, round_to=5, min_bed_days=100, min_people=5)
    settings.SUPPRESSION = {"min_count": 8, "round_to": 1, "min_bed_days": 50, "future": 1}
    rules = Rules.from_settings()
    assert (rules.min_count, rules.round_to, rules.min_bed_days) == (8, 1, 50)
    assert rules.people_floor == 8
    assert Rules.from_settings({"min_count": 8, "min_people": 10}).people_floor == 10


def test_people_figures_need_enough_people_behind_every_number():
    rules = Rules()
    assert suppression.people_figures_shown(11, 6, rules=rules)
    assert suppression.people_figures_shown(6, 6, rules=rules)  # nobody left uncovered
    assert not suppression.people_figures_shown(4, 4, rules=rules)  # too few in all
    assert not suppression.people_figures_shown(9, 6, rules=rules)  # 3 uncovered: recoverable
    assert not suppression.people_figures_shown(11, 4, rules=rules)
    assert suppression.people_figures_shown(9, 6, rules=Rules(min_count=3))


def test_counts_and_percentages_follow_the_threshold():
    counts = (0, 1, 4, 5, 7, 8, 12, 13, 101)
    assert [suppression.show_count(n) for n in counts] == [
        *"***",
        *("5", "5", "10", "10", "15", "100"),
    ]
    assert suppression.show_count(1234) == "1,235"
    assert suppression.show_count(7, Rules(min_count=10)) == "*"
    assert suppression.show_percentage(7, 40) == "18%"
    assert suppression.show_percentage(7, 40, Rules(min_count=10)) == "*"
    assert suppression.publishable_pair(7, 40, Rules(min_count=10)) is None
