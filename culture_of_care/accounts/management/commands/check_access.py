"""Fail when a module calls ``.objects`` on a tenant model outside the access layer.

Tenant queries must start from ``visible_to``/``editable_by``/``where_may_change``
(culture_of_care/access.py). Every non-test module of ours is read, whatever its name (views,
``views_*.py``, ``import_views.py``, panels, API modules, forms, tasks, template tags...), except
the few kinds named in ``UNSCOPED_KINDS``, each with the reason it may query unscoped. A line may
be allowed with a trailing ``# access: allowed (reason)`` comment; the reason is required.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from culture_of_care.access import TenantQuerySet

# The kinds of module allowed to query tenant models unscoped, and why. A kind is a file name
# (``models.py``) or a folder (``migrations``): a package of that name counts as well.
UNSCOPED_KINDS: dict[str, str] = {
    "models": "they define the scoping (querysets, managers) and row helpers used after it",
    "selectors": "reads called with objects a view has already scoped, or for the programme",
    "services": "writes called after the view has checked the record may be changed",
    "migrations": "schema and data history, run with no user",
    "demo": "seeds the demo programme, with no user",
    "management": "commands run by operators on the server, with no request",
    "access": "the scoping mechanism itself",
}
# Never ours to check: tests and what is not application code.
SKIPPED_DIRS = {".venv", "node_modules", "tests", "bench", "docs", "static", "public", "templates"}
# ``readable_by`` (coaching): ``visible_to`` narrowed further for confidential content.
SCOPED_STARTS = {"visible_to", "editable_by", "where_may_change", "readable_by", "none"}
SCOPING_HELPERS = {"get_visible_or_404", "get_editable_or_403"}
ALLOW = re.compile(r"#\s*access:\s*allowed\s*\(.+\)")


def tenant_model_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        manager = getattr(model, "_default_manager", None)
        if manager is not None and isinstance(manager.get_queryset(), TenantQuerySet):
            names.add(model.__name__)
    return names


def unscoped_kind(path: Path, base: Path) -> str | None:
    """The allowed kind ``path`` belongs to (see ``UNSCOPED_KINDS``), or None: checked."""
    parts = path.relative_to(base).parts
    for part in (*parts[:-1], path.stem):
        if part in UNSCOPED_KINDS:
            return part
    return None


def is_test_module(path: Path, base: Path) -> bool:
    parts = path.relative_to(base).parts
    return (
        any(part in SKIPPED_DIRS for part in parts[:-1])
        or path.name in {"conftest.py", "pytest_env.py"}
        or path.name.startswith("test_")
    )


def checked_files(base: Path) -> list[Path]:
    return sorted(
        path
        for path in base.rglob("*.py")
        if not is_test_module(path, base) and unscoped_kind(path, base) is None
    )


def violations(path: Path, names: set[str]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    tree = ast.parse(source, filename=str(path))
    # ``Model.objects.visible_to(...)`` and ``.editable_by(...)`` are the sanctioned starts;
    # ``.none()`` is a form field's empty default until the view gives it a scoped queryset.
    scoped = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in SCOPED_STARTS
    }
    # ``get_visible_or_404(Model.objects.select_related(...), user, ...)`` scopes its argument.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in SCOPING_HELPERS
            and node.args
        ):
            scoped.update(id(inner) for inner in ast.walk(node.args[0]))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and id(node) not in scoped
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and not ALLOW.search(lines[node.lineno - 1])
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


class Command(BaseCommand):
    help = "Check that every module but the named unscoped kinds scopes tenant queries."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        names = tenant_model_names()
        problems = []
        files = checked_files(base)
        for path in files:
            problems.extend(violations(path, names))
        if problems:
            raise CommandError(
                "Tenant models queried outside the access layer (use visible_to/editable_by):\n"
                + "\n".join(problems)
            )
        allowed = ", ".join(sorted(UNSCOPED_KINDS))
        self.stdout.write(
            f"Access check passed: {len(files)} modules, {len(names)} tenant models "
            f"(allowed unscoped: {allowed})."
        )
