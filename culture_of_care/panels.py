"""Sections that apps add to shared pages (a ward's home, an organisation, the home pages).

A ward's page shows its QI work, coaching and risk at a glance, but ``wards`` must not import
the apps that own that work. Each app registers a panel in its ``AppConfig.ready``; the page
renders every panel whose ``context`` returns something for this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    page: str  # "ward", "organisation", "home"
    template: str
    context: PanelContext  # (user, obj) -> context dict, or None to hide the panel
    order: int = 100


_panels: dict[str, list[Panel]] = {}


def register(page: str, template: str, context: PanelContext, order: int = 100) -> None:
    panels = _panels.setdefault(page, [])
    if any(p.template == template for p in panels):
        return
    panels.append(Panel(page, template, context, order))
    panels.sort(key=lambda p: p.order)


def render_context(
    page: str, user: Any, obj: Any = None, only: set[str] | None = None
) -> list[dict[str, Any]]:
    """The panels to show on ``page`` for ``user``, each with its template and context.

    ``only`` names the templates a page wants (a role's home shows its own work); the others
    are not asked, so they cost no queries."""
    shown = []
    for panel in _panels.get(page, []):
        if only is not None and panel.template not in only:
            continue
        context = panel.context(user, obj)
        if context is not None:
            shown.append({"template": panel.template, **context})
    return shown
