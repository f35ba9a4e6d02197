"""Identifiers that come from requests: the one place that decides what can name a row.

Every primary key is a PostgreSQL ``bigint`` and every ODS code is a few letters and digits. A
value outside that (``%00`` in a code, a twenty-digit id) cannot name anything, so it is answered
as "not found" or "bad request" here, before it reaches a query (where PostgreSQL raises
``DataError`` and SQLite ``OverflowError``, both a 500).

- URL converters ``<id:pk>`` and ``<ods:ods_code>`` (registered in ``culture_of_care.urls``).
- ``parse_id`` / ``parse_count`` for identifiers and counts read from query strings and forms.
- ``RequestIdentifierGuard``: middleware that refuses a path or query string holding a NUL byte or
  an integer no database column can hold, for every page and the API alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

# The largest value of a PostgreSQL bigint (and of a SQLite integer).
MAX_ID = 2**63 - 1
ODS_CODE_PATTERN = r"[A-Za-z0-9]{1,12}"
_ODS_CODE = re.compile(rf"^{ODS_CODE_PATTERN}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def parse_id(value: Any) -> int | None:
    """A positive database id from untrusted text, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_count(value: Any, *, default: int = 0, maximum: int = 1000) -> int:
    """A non-negative count from untrusted text (a formset's TOTAL_FORMS), clamped to maximum."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    return min(int(text[:6]), maximum)


def parse_ods_code(value: Any) -> str | None:
    """An upper-cased ODS code from untrusted text, or None when it cannot be one."""
    text = str(value or "").strip()
    return text.upper() if _ODS_CODE.match(text) else None


def is_unusable(value: str) -> bool:
    """True for text no query may be given: a NUL byte, or an integer no column can hold."""
    if "\x00" in value:
        return True
    text = value.strip()
    return bool(_INTEGER.match(text)) and abs(int(text[:40])) > MAX_ID


class IdConverter:
    """``<id:pk>``: a positive bigint; anything larger is no match (404), never a 500."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


class OdsCodeConverter:
    """``<ods:ods_code>``: letters and digits only."""

    regex = ODS_CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


class RequestIdentifierGuard:
    """Refuse a request whose path or query string no query can use: a NUL byte in the path is
    404 (it names nothing), and a NUL byte or an out-of-range integer in a query parameter is 400
    with the parameter named. Form bodies are left to the forms, which give field messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(is_unusable(part) for part in request.path_info.split("/") if part):
            return self._refuse(request, 404, "The page you asked for does not exist.")
        for name in request.GET:
            if "\x00" in name or any(is_unusable(v) for v in request.GET.getlist(name)):
                shown = name.replace("\x00", "")[:40]
                return self._refuse(
                    request,
                    400,
                    f"The value given for “{shown}” cannot be used: it holds a character that is "
                    "not allowed or a number too large to name anything.",
                )
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        body = render_to_string(
            "error.html",
            {
                "status": status,
                "message": message,
                "title": "Bad request" if status == 400 else "Page not found",
            },
            request=request,
        )
        response = HttpResponseBadRequest(body)
        response.status_code = status
        return response
