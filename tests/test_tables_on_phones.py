"""Every table in a page template is usable on a 375 px phone (issue 15, item 12).

A table either is an NHS.UK responsive table or sits directly in a scrolling region that a
keyboard can reach and a screen reader can name: ``<div class="app-table-scroll" tabindex="0"
role="region" aria-label=...>`` (or ``aria-labelledby``). tests/system/test_phones.py checks
the main table pages in a real browser at 375 px.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# Not web pages: the board report is a PDF.
NOT_PAGES = {"reporting/board/report_pdf.html"}

OPENING_TAG = re.compile(r"<(?!/)[a-zA-Z][^>]*>", re.S)
TEMPLATE_TAG = re.compile(r"{%.*?%}|{#.*?#}", re.S)


def _region_ok(tag: str) -> bool:
    return (
        "app-table-scroll" in tag
        and 'tabindex="0"' in tag
        and 'role="region"' in tag
        and ("aria-label=" in tag or "aria-labelledby=" in tag)
    )


def tables_without_a_region() -> list[str]:
    found = []
    root = Path(settings.BASE_DIR) / "templates"
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name in NOT_PAGES or name.startswith(("emails/", "email/")):
            continue
        text = TEMPLATE_TAG.sub("", path.read_text(encoding="utf-8"))
        for match in re.finditer(r"<table\b[^>]*>", text):
            if "nhsuk-table-responsive" in match.group(0):
                continue
            before = OPENING_TAG.findall(text[: match.start()])
            if not before or not _region_ok(before[-1]):
                line = text[: match.start()].count("\n") + 1
                found.append(f"{name}:{line}")
    return found


def test_every_table_scrolls_in_a_named_focusable_region_or_is_responsive():
    assert tables_without_a_region() == []
