"""A hand-written iCalendar (RFC 5545) feed of a coach's upcoming sessions.

Only where and when: never a summary, notes or who was coached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from django.utils import timezone

PRODID = "-//NHS England Culture of Care//Coaching calendar//EN"


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
            limit = 74  # continuation lines start with a space
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _event(session: Any, stamp: str, host: str) -> list[str]:
    day = session.next_session_on
    where = (
        f"{session.ward.name}, {session.organisation.name}"
        if session.ward_id
        else session.organisation.name
    )
    return [
        "BEGIN:VEVENT",
        f"UID:coaching-session-{session.pk}-next@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(session.get_kind_display() + ': ' + where)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_for(owner: Any, sessions: Iterable[Any], request: Any) -> str:
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    host = request.get_host().split(":")[0] or "cultureofcare.example"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text('Coaching sessions: ' + owner.full_name)}",
    ]
    for session in sessions:
        lines.extend(_event(session, stamp, host))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
