"""The kinds of reminder, registered by the apps that know what is due.

Each app owns its rule (a selector in its own ``selectors.py``) and registers it here from its
``AppConfig.ready``; this module only knows the shape of a reminder, never the rules. A kind
carries plain-English wording for the account page and a default frequency per role, chosen to
keep the volume low: people turn things on, not off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class Frequency:
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    choices = [
        (DAILY, "Every day (only on days when something is due)"),
        (WEEKLY, "Once a week, on Monday"),
        (OFF, "Never by e-mail (still listed in What needs you)"),
    ]
    # Most frequent first: a person holding two roles gets the more frequent default.
    order = [DAILY, WEEKLY, OFF]


@dataclass(frozen=True)
class DueItem:
    """One thing that needs a person: its kind, a stable key for the object and the occasion
    (so done/dismissed and the sent-log can refer to it), a line of text and a link."""

    kind: str
    key: str
    text: str
    url: str = ""
    when: date | None = None


Selector = Callable[[Any, date], list[DueItem]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    selector: Selector
    default: str = Frequency.WEEKLY
    role_defaults: dict[str, str] = field(default_factory=dict)
    order: int = 100
    # An e-mail section heading, short and calm.
    heading: str = ""

    def default_for(self, roles: set[str]) -> str:
        """The more frequent default among the person's roles, else the kind's own default."""
        chosen = [self.role_defaults[r] for r in roles if r in self.role_defaults]
        if not chosen:
            return self.default
        return min(chosen, key=Frequency.order.index)


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (idempotent by key, so ``ready`` running twice does no harm)."""
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def get(key: str) -> Kind | None:
    return _kinds.get(key)
