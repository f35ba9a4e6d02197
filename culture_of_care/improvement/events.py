"""Who wants to hear that an organisation's QI data changed (data points, scores, cycles).

The improvement app cannot import reporting (dependencies point one way, DESIGN.md 1), so
reporting registers a listener here when it starts. Services call ``data_changed`` inside their
transaction; each listener decides how to defer its work (reporting queues a task on commit).
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[int], None]] = []


def listen(callback: Callable[[int], None]) -> None:
    if callback not in _listeners:
        _listeners.append(callback)


def data_changed(organisation_id: int) -> None:
    for callback in list(_listeners):
        callback(organisation_id)
