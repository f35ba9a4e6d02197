"""Turning a ward's aim ("30% fewer by May 2027") into a target line, in plain Python.

The aim's "how much" is free text; what can be read from it is a percentage change ("30%",
"30% fewer", "reduce by a third" is not guessed). Applied to the baseline mean in the direction
the measure improves, it gives the target. Anything unreadable returns None, and the person sets
the number themselves.
"""

from __future__ import annotations

import re

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)", re.IGNORECASE)


def percent_in(text: str) -> float | None:
    """The first percentage written in ``text`` (``"By 30%"`` -> 30.0), or None."""
    match = _PERCENT.search(text or "")
    if not match:
        return None
    value = float(match.group(1))
    return value if 0 < value < 1000 else None


def target_from_aim(how_much: str, baseline_mean: float | None, improvement: str) -> float | None:
    """The target the aim implies: the baseline mean moved by the aim's percentage.

    ``improvement`` is "decrease" (fewer is better) or "increase"; neutral measures have no
    target. A decrease of 100% or more is refused (a target of zero or less).
    """
    percent = percent_in(how_much)
    if percent is None or baseline_mean is None or improvement not in ("decrease", "increase"):
        return None
    if improvement == "decrease":
        if percent >= 100:
            return None
        return baseline_mean * (1 - percent / 100)
    return baseline_mean * (1 + percent / 100)
