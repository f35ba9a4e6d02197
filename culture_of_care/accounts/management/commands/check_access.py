"""Fail when a view, form, API module or task calls ``.objects`` on a tenant model directly.

Tenant queries must start from ``visible_to``/``editable_by`` (culture_of_care/access.py). This
command parses every ``views.py``, ``forms.py`` (and ``*_forms.py``), ``api.py`` and ``tasks.py``
(and modules in ``views/``/``api/`` packages) and reports ``Model.objects`` on any model that
carries an organisation. A line may be
allowed with a trailing ``# access: allowed (reason)`` comment; the reason is required.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from culture_of_care.access import TenantQuerySet

CHECKED_NAMES = {"views.py", "api.py", "tasks.py", "forms.py"}
SCOPING_HELPERS = {"get_visible_or_404", "get_editable_or_403"}
ALLOW = re.compile(r"#\s*access:\s*allowed\s*\(.+\)")


def tenant_model_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        manager = getattr(model, "_default_manager", None)
        if manager is not None and isinstance(manager.get_queryset(), TenantQuerySet):
            names.add(model.__name__)
    return names


def checked_files(base: Path) -> list[Path]:
    files = []
    for path in base.rglob("*.py"):
        parts = set(path.parts)
        if ".venv" in parts or "node_modules" in parts or "tests" in parts:
            continue
        if (
            path.name in CHECKED_NAMES
            or path.name.endswith("_forms.py")
            or path.parent.name in {"views", "api", "tasks"}
        ):
            files.append(path)
    return sorted(files)


def violations(path: Path, names: set[str]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    tree = ast.parse(source, filename=str(path))
    # ``Model.objects.visible_to(...)`` and ``.editable_by(...)`` are the sanctioned starts.
    scoped = {
        id(node.value)
        for node in ast.walk(tree)
        # ``.none()`` is a form field's empty default until the view gives it a scoped queryset.
        if isinstance(node, ast.Attribute) and node.attr in {"visible_to", "editable_by", "none"}
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
    help = "Check that views, API modules and tasks scope tenant queries through access.py."

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
        self.stdout.write(f"Access check passed: {len(files)} modules, {len(names)} tenant models.")
