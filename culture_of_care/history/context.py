"""Who is acting: the context every history event carries.

A request (the site, the API, the Django admin) names the signed-in person: their id, and their
name and e-mail as they were then, so history still says who it was once the person is deleted.
A Celery task or a management command names itself as the system (``actor: "system"``).

pghistory passes the context to the triggers in per-transaction settings; SQLite has no such
thing (and no triggers), so there nothing is set and history is simply absent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pghistory
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse

SYSTEM = "system"


def history_enabled() -> bool:
    """Whether history is kept on this database (PostgreSQL triggers)."""
    return connection.vendor == "postgresql"


def person_context(user: Any) -> dict[str, Any]:
    """The context naming ``user`` (nothing for an anonymous visitor)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return {"user": None, "user_name": "", "user_email": ""}
    return {
        "user": user.pk,
        "user_name": getattr(user, "full_name", "") or "",
        "user_email": getattr(user, "email", "") or "",
    }


class _NamesItsUser:
    """A request that updates the history context when its user is set later on (DRF
    authenticates API tokens in the view, after every middleware has run)."""

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "user":
            pghistory.context(**person_context(value))
        super().__setattr__(attr, value)


class _WSGIRequest(_NamesItsUser, WSGIRequest):
    pass


class _ASGIRequest(_NamesItsUser, ASGIRequest):
    pass


class HistoryContextMiddleware:
    """Every change made during a request is attributed to the signed-in person."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not history_enabled():
            return self.get_response(request)
        with pghistory.context(**person_context(getattr(request, "user", None)), url=request.path):
            if isinstance(request, ASGIRequest):
                request.__class__ = _ASGIRequest
            elif isinstance(request, WSGIRequest):
                request.__class__ = _WSGIRequest
            return self.get_response(request)


def system_context(**what: Any) -> Any:
    """A context for work no person is doing (a task, a command): ``with system_context(...)``.
    Inside a request it only adds ``what`` to the person's context."""
    if not history_enabled():
        return _Nothing()
    return pghistory.context(actor=SYSTEM, **what)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


_task_contexts: dict[str, Any] = {}


def _task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id is None:
        return
    entered = system_context(task=getattr(task, "name", ""))
    entered.__enter__()
    _task_contexts[task_id] = entered


def _task_finished(task_id: str | None = None, **kwargs: Any) -> None:
    entered = _task_contexts.pop(task_id, None) if task_id else None
    if entered is not None:
        entered.__exit__(None, None, None)


def _command_context(execute: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(execute)
    def run(self: Any, *args: Any, **options: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with system_context(command=name):
            return execute(self, *args, **options)

    run._history_context = True  # type: ignore[attr-defined]
    return run


def connect_system_contexts() -> None:
    """Celery tasks and management commands act as the system."""
    from celery.signals import task_postrun, task_prerun
    from django.core.management.base import BaseCommand

    task_prerun.connect(_task_started, weak=False, dispatch_uid="history_task_started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="history_task_finished")
    if not getattr(BaseCommand.execute, "_history_context", False):
        BaseCommand.execute = _command_context(BaseCommand.execute)  # type: ignore[method-assign]
