"""Who may see and change what: the one scoping mechanism (DESIGN.md section 2).

A user's role assignments become a ``Reach``: the organisations and wards they reach. Every
tenant model's queryset exposes ``visible_to(user)`` and ``editable_by(user)`` built on it, and
views start every tenant query there. It fails closed: no role, no rows. An object outside reach
is a 404 (``get_visible_or_404``); a reachable object the role may not change is a 403
(``get_editable_or_403``).

Edit rights depend on the kind of record (its ``access_domain``):

* ``qi``: ward QI work (projects, change ideas, PDSA cycles, measures, data);
* ``organisation``: an organisation's own details, its wards and its people;
* ``executive_coaching``: executive coaching records, confidential notes included;
* ``coaching``: coaching sessions and actions;
* ``risk``: risk-practice records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from culture_of_care.accounts.roles import PROGRAMME_WIDE, Role

if TYPE_CHECKING:
    from culture_of_care.accounts.models import User

ORG_SCOPE = "organisation"
WARD_SCOPE = "ward"

# For each kind of record: which roles may change it, and over what scope.
EDIT_RULES: dict[str, dict[str, str]] = {
    "qi": {
        Role.ORGANISATION_LEAD: ORG_SCOPE,
        Role.QI_COACH: WARD_SCOPE,
        Role.WARD_MEMBER: WARD_SCOPE,
    },
    "organisation": {Role.ORGANISATION_LEAD: ORG_SCOPE},
    "executive_coaching": {Role.LEADERSHIP_COACH: ORG_SCOPE},
    "coaching": {
        Role.QI_COACH: WARD_SCOPE,
        Role.LEADERSHIP_COACH: ORG_SCOPE,
        Role.RISK_LEAD: ORG_SCOPE,
    },
    "risk": {Role.RISK_LEAD: ORG_SCOPE, Role.ORGANISATION_LEAD: ORG_SCOPE},
    "executive_actions": {Role.EXECUTIVE: ORG_SCOPE, Role.LEADERSHIP_COACH: ORG_SCOPE},
    # Who coaches whom (ward coach assignments, coach pairs): programme admins only.
    "coaching_setup": {},
}


@dataclass(frozen=True)
class Reach:
    """What a user reaches: everything, or whole organisations plus single wards."""

    everything: bool = False
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    ward_ids: frozenset[int] = field(default_factory=frozenset)
    # Organisations seen only through one of their wards (read their name and details).
    ward_organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.organisation_ids or self.ward_ids)

    def covers(self, *, organisation_id: int | None, ward_id: int | None = None) -> bool:
        if self.everything:
            return True
        if organisation_id in self.organisation_ids:
            return True
        return ward_id is not None and ward_id in self.ward_ids


NOTHING = Reach()
EVERYTHING = Reach(everything=True)


@dataclass(frozen=True)
class _Grant:
    role: str
    organisation_id: int | None
    ward_id: int | None
    ward_organisation_id: int | None


def _grants(user: User) -> list[_Grant]:
    cached = getattr(user, "_access_grants", None)
    if cached is not None:
        return cached
    from culture_of_care.accounts.models import RoleAssignment

    grants = [
        _Grant(role, org_id, ward_id, ward_org_id)
        for role, org_id, ward_id, ward_org_id in RoleAssignment.objects.filter(user=user)
        .current()
        .values_list("role", "organisation_id", "ward_id", "ward__organisation_id")
    ]
    # A ward's named QI coach reaches it, as an assignment would.
    from django.apps import apps

    ward_model = apps.get_model("wards", "Ward")
    for ward_id, org_id in ward_model.objects.filter(qi_coach=user).values_list(
        "id", "organisation_id"
    ):
        grants.append(_Grant(Role.QI_COACH, None, ward_id, org_id))
    user._access_grants = grants
    return grants


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def read_reach(user: Any) -> Reach:
    """The organisations and wards this user may see."""
    if not _active(user):
        return NOTHING
    cached = getattr(user, "_read_reach", None)
    if cached is not None:
        return cached
    orgs: set[int] = set()
    wards: set[int] = set()
    ward_orgs: set[int] = set()
    everything = False
    for grant in _grants(user):
        if grant.role in PROGRAMME_WIDE:
            everything = True
        elif grant.role == Role.RISK_LEAD and not (grant.organisation_id or grant.ward_id):
            # A national NCISH lead without named organisations reads the whole programme.
            everything = True
        elif grant.ward_id:
            wards.add(grant.ward_id)
            ward_orgs.add(grant.ward_organisation_id)
        elif grant.organisation_id:
            orgs.add(grant.organisation_id)
    reach = (
        EVERYTHING
        if everything
        else Reach(
            organisation_ids=frozenset(orgs),
            ward_ids=frozenset(wards),
            ward_organisation_ids=frozenset(ward_orgs - orgs),
        )
    )
    user._read_reach = reach
    return reach


def edit_reach(user: Any, domain: str) -> Reach:
    """The organisations and wards in which this user may change records of ``domain``."""
    if not _active(user):
        return NOTHING
    rules = EDIT_RULES.get(domain)
    if rules is None:
        raise ValueError(f"Unknown access domain {domain!r}")
    orgs: set[int] = set()
    wards: set[int] = set()
    for grant in _grants(user):
        if grant.role == Role.PROGRAMME_ADMIN:
            return EVERYTHING
        scope = rules.get(grant.role)
        if scope is None:
            continue
        if scope == WARD_SCOPE and grant.ward_id:
            wards.add(grant.ward_id)
        elif grant.organisation_id:
            orgs.add(grant.organisation_id)
        elif grant.ward_id:
            wards.add(grant.ward_id)
    return Reach(organisation_ids=frozenset(orgs), ward_ids=frozenset(wards))


def is_programme_admin(user: Any) -> bool:
    return _active(user) and any(g.role == Role.PROGRAMME_ADMIN for g in _grants(user))


def has_role(user: Any, *roles: str) -> bool:
    return _active(user) and any(g.role in roles for g in _grants(user))


def forget(user: Any) -> None:
    """Drop the cached reach (after roles change within one request)."""
    for name in ("_access_grants", "_read_reach", "_role_set"):
        if hasattr(user, name):
            delattr(user, name)


class TenantQuerySet(models.QuerySet):
    """The queryset every tenant-owned model uses.

    A model names the path to its organisation id (``tenant_organisation_field``) and, when its
    rows belong to a ward, to its ward id (``tenant_ward_field``).
    """

    def _scope(self, reach: Reach) -> TenantQuerySet:
        if reach.everything:
            return self.all()
        if reach.is_empty:
            return self.none()
        org_field = self.model.tenant_organisation_field
        ward_field = getattr(self.model, "tenant_ward_field", None)
        condition = Q(**{f"{org_field}__in": reach.organisation_ids})
        if ward_field and reach.ward_ids:
            condition |= Q(**{f"{ward_field}__in": reach.ward_ids})
        return self.filter(condition)

    def visible_to(self, user: Any) -> TenantQuerySet:
        return self._scope(read_reach(user))

    def editable_by(self, user: Any, domain: str | None = None) -> TenantQuerySet:
        return self._scope(edit_reach(user, domain or self.model.access_domain))


class TenantModel(models.Model):
    """Abstract base for rows owned by an organisation (the tenant)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    tenant_organisation_field = "organisation_id"
    access_domain = "qi"

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


def get_visible_or_404(queryset: Any, user: Any, **lookup: Any) -> Any:
    """The object if the user may see it; otherwise a 404 that says nothing of its existence."""
    source = queryset.objects if isinstance(queryset, type) else queryset
    qs = source.visible_to(user)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found") from exc


def ensure_editable(obj: Any, user: Any, domain: str | None = None) -> None:
    """Raise 403 unless the user may change this (already visible) object."""
    reach = edit_reach(user, domain or obj.access_domain)
    org_id = _path_value(obj, obj.tenant_organisation_field)
    ward_field = getattr(obj, "tenant_ward_field", None)
    ward_id = _path_value(obj, ward_field) if ward_field else None
    if not reach.covers(organisation_id=org_id, ward_id=ward_id):
        raise PermissionDenied("You do not have permission to change this.")


def can_edit(obj: Any, user: Any, domain: str | None = None) -> bool:
    try:
        ensure_editable(obj, user, domain)
    except PermissionDenied:
        return False
    return True


def get_editable_or_403(queryset: Any, user: Any, domain: str | None = None, **lookup: Any) -> Any:
    """404 outside reach; 403 for a reachable object the user may not change."""
    obj = get_visible_or_404(queryset, user, **lookup)
    ensure_editable(obj, user, domain)
    return obj


def _path_value(obj: Any, path: str) -> Any:
    value = obj
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        if i == len(parts) - 1:
            return getattr(value, part)
        value = getattr(value, part)
    return value


def require_any_role(user: Any, roles: Iterable[str]) -> None:
    """403 unless the user holds one of the roles (for pages with no single object)."""
    if not has_role(user, *roles):
        raise PermissionDenied("Your role does not give access to this page.")
