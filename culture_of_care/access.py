"""Who may see and change what: the one scoping mechanism (DESIGN.md section 2).

A user's role assignments become a ``Reach``: the organisations and wards they reach. Every
tenant model's queryset exposes ``visible_to(user)`` and ``editable_by(user)`` built on it, and
views start every tenant query there. It fails closed: no role, no rows. An object outside reach
is a 404 (``get_visible_or_404``); a reachable object the role may not change is a 403
(``get_editable_or_403``).

Edit rights depend on the kind of record: its ``access_domain``, read from the record itself
(``project.access_domain`` is ``"risk"`` for a risk project). A model names one domain, or a
``DomainBy`` rule when the domain follows one of its fields; ``ensure_editable``, ``can_edit`` and
``editable_by`` all read it, so callers never name a domain for a record. To ask about a place
instead ("may this person change QI work in this ward?") use ``may_change_in`` and
``QuerySet.where_may_change`` with a ``Domain``.

The domains:

* ``qi``: ward QI work (projects, change ideas, PDSA cycles, measures, data);
* ``organisation``: an organisation's own details, its wards and its people;
* ``executive_coaching``: executive coaching records, confidential notes included;
* ``coaching``: coaching sessions and actions;
* ``risk``: risk-practice records (and an organisation's risk project);
* ``executive_actions``: actions agreed in confidential (executive) sessions;
* ``coaching_setup``: who coaches whom (programme admins only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from culture_of_care.accounts.roles import PROGRAMME_WIDE, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from culture_of_care.accounts.models import User
    from organisations.models import Organisation

    # Who is asking: a signed-in person, or nobody (anonymous reaches nothing).
    Actor = User | AnonymousUser

ORG_SCOPE = "organisation"
WARD_SCOPE = "ward"


class Domain(StrEnum):
    """The kinds of record, each with its own rule for who may change it."""

    QI = "qi"
    ORGANISATION = "organisation"
    EXECUTIVE_COACHING = "executive_coaching"
    COACHING = "coaching"
    RISK = "risk"
    EXECUTIVE_ACTIONS = "executive_actions"
    COACHING_SETUP = "coaching_setup"


# For each kind of record: which roles may change it, and over what scope.
EDIT_RULES: dict[str, dict[str, str]] = {
    Domain.QI: {
        Role.ORGANISATION_LEAD: ORG_SCOPE,
        Role.QI_COACH: WARD_SCOPE,
        Role.WARD_MEMBER: WARD_SCOPE,
    },
    Domain.ORGANISATION: {Role.ORGANISATION_LEAD: ORG_SCOPE},
    Domain.EXECUTIVE_COACHING: {Role.LEADERSHIP_COACH: ORG_SCOPE},
    Domain.COACHING: {
        Role.QI_COACH: WARD_SCOPE,
        Role.LEADERSHIP_COACH: ORG_SCOPE,
        Role.RISK_LEAD: ORG_SCOPE,
    },
    Domain.RISK: {Role.RISK_LEAD: ORG_SCOPE, Role.ORGANISATION_LEAD: ORG_SCOPE},
    Domain.EXECUTIVE_ACTIONS: {Role.EXECUTIVE: ORG_SCOPE, Role.LEADERSHIP_COACH: ORG_SCOPE},
    # Who coaches whom (ward coach assignments, coach pairs): programme admins only.
    Domain.COACHING_SETUP: {},
}


@dataclass(frozen=True)
class DomainBy:
    """A record whose access domain follows one of its fields.

    Declared as a model's ``access_domain``: read on the class it is this rule (which
    ``editable_by`` turns into one condition per domain); read on an instance it is that record's
    domain, so ``ensure_editable``/``can_edit`` and the queryset can never disagree.
    """

    path: str
    domains: Mapping[str, str]
    default: str

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        return self.domains.get(_path_value(obj, self.path), self.default)

    @property
    def all_domains(self) -> list[str]:
        return sorted({self.default, *self.domains.values()})

    def rows_of(self, domain: str) -> Q:
        """The rows whose domain is ``domain``."""
        values = [value for value, d in self.domains.items() if d == domain]
        condition = Q(**{f"{self.path}__in": values}) if values else Q(pk__in=[])
        if domain == self.default:
            condition |= Q(**{f"{self.path}__isnull": True}) | ~Q(
                **{f"{self.path}__in": list(self.domains)}
            )
        return condition


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
    # A ward's named QI coach reaches it, as an assignment would. (Imported here: the ward
    # model is built on this module.)
    from wards.models import Ward

    for ward_id, org_id in Ward.objects.filter(qi_coach=user).values_list("id", "organisation_id"):
        grants.append(_Grant(Role.QI_COACH, None, ward_id, org_id))
    user._access_grants = grants
    return grants


def _active(user: Actor) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def read_reach(user: Actor) -> Reach:
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


def edit_reach(user: Actor, domain: str) -> Reach:
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


def is_programme_admin(user: Actor) -> bool:
    return _active(user) and any(g.role == Role.PROGRAMME_ADMIN for g in _grants(user))


def has_role(user: Actor, *roles: str) -> bool:
    return _active(user) and any(g.role in roles for g in _grants(user))


def has_some_role(user: Actor) -> bool:
    """Whether this person holds any role in the programme (reaches anything at all)."""
    return not read_reach(user).is_empty


def reaches_whole_organisation(user: Actor, organisation: Organisation) -> bool:
    """Whether this person sees all of ``organisation`` (not just one of its wards)."""
    reach = read_reach(user)
    return reach.everything or organisation.pk in reach.organisation_ids


# --- The same questions, each with its one failure mode --------------------------------------


def require_programme_admin(
    user: Actor, message: str = "Only programme admins can do this."
) -> None:
    """403 for anyone but a programme admin."""
    if not is_programme_admin(user):
        raise PermissionDenied(message)


def require_some_role(user: Actor) -> None:
    """403 for a signed-in person with no role in the programme yet."""
    if not has_some_role(user):
        raise PermissionDenied("Your account does not have a role in the programme yet.")


def require_whole_organisation(user: Actor, organisation: Organisation | None) -> None:
    """404 (as for anything out of reach) unless this person sees all of ``organisation``."""
    if organisation is None or not reaches_whole_organisation(user, organisation):
        raise Http404("Not found")


def forget(user: Actor) -> None:
    """Drop the cached reach (after roles change within one request)."""
    for name in ("_access_grants", "_read_reach", "_role_set"):
        if hasattr(user, name):
            delattr(user, name)


class TenantQuerySet(models.QuerySet):
    """The queryset every tenant-owned model uses.

    A model names the path to its organisation id (``tenant_organisation_field``) and, when its
    rows belong to a ward, to its ward id (``tenant_ward_field``).
    """

    def _condition(self, reach: Reach) -> Q | None:
        """The rows inside ``reach`` (``Q()`` for all of them), or None for no rows."""
        if reach.everything:
            return Q()
        if reach.is_empty:
            return None
        org_field = self.model.tenant_organisation_field
        ward_field = getattr(self.model, "tenant_ward_field", None)
        condition = Q(**{f"{org_field}__in": reach.organisation_ids})
        if ward_field and reach.ward_ids:
            condition |= Q(**{f"{ward_field}__in": reach.ward_ids})
        return condition

    def _scope(self, reach: Reach) -> TenantQuerySet:
        condition = self._condition(reach)
        return self.none() if condition is None else self.filter(condition)

    def visible_to(self, user: Actor) -> TenantQuerySet:
        return self._scope(read_reach(user))

    def editable_by(self, user: Actor) -> TenantQuerySet:
        """The rows this person may change, each judged by its own access domain (for "rows in
        places where records of a kind may be changed", ``where_may_change``)."""
        rule = self.model.access_domain
        if not isinstance(rule, DomainBy):
            return self._scope(edit_reach(user, rule))
        combined: Q | None = None
        for each in rule.all_domains:
            inside = self._condition(edit_reach(user, each))
            if inside is not None:
                part = rule.rows_of(each) & inside
                combined = part if combined is None else combined | part
        return self.none() if combined is None else self.filter(combined)

    def where_may_change(self, user: Actor, domain: Domain | str) -> TenantQuerySet:
        """These places (organisations, wards...) in which this person may change records of
        ``domain``: the wards a coach may log sessions for, the organisations to upload to."""
        return self._scope(edit_reach(user, domain))


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


def tenant_keys(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    """A ward-owned model's two keys: its organisation and (optionally) its ward, both reached
    back through ``related_name`` (``ward.pdsa_cycles``)."""
    return (
        models.ForeignKey(
            "organisations.Organisation", on_delete=models.CASCADE, related_name=related_name
        ),
        models.ForeignKey(
            "wards.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
        ),
    )


class WardOwnedModel(TenantModel):
    """Abstract base for rows owned by an organisation and, optionally, one of its wards.

    A model names its reverse accessors with ``organisation, ward = tenant_keys("...")``.
    """

    organisation, ward = tenant_keys("+")

    tenant_ward_field = "ward_id"

    class Meta:
        abstract = True


def get_visible_or_404(queryset: Any, user: Actor, **lookup: Any) -> Any:
    """The object if the user may see it; otherwise a 404 that says nothing of its existence."""
    source = queryset.objects if isinstance(queryset, type) else queryset
    qs = source.visible_to(user)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found") from exc


def may_change_in(place: Any, user: Actor, domain: Domain | str) -> bool:
    """Whether this person may change records of ``domain`` held in ``place`` (an organisation,
    a ward or any tenant record): "may they enter QI data for this ward?"."""
    reach = edit_reach(user, domain)
    org_id = _path_value(place, place.tenant_organisation_field)
    ward_field = getattr(place, "tenant_ward_field", None)
    ward_id = _path_value(place, ward_field) if ward_field else None
    return reach.covers(organisation_id=org_id, ward_id=ward_id)


def ensure_may_change_in(place: Any, user: Actor, domain: Domain | str) -> None:
    """403 unless this person may change records of ``domain`` held in ``place``."""
    if not may_change_in(place, user, domain):
        raise PermissionDenied("You do not have permission to change this.")


def ensure_editable(obj: Any, user: Actor) -> None:
    """403 unless the user may change this (already visible) record, judged by its own domain
    (``access_domain``); for "may they change records of a kind here?", ``ensure_may_change_in``."""
    ensure_may_change_in(obj, user, obj.access_domain)


def can_edit(obj: Any, user: Actor) -> bool:
    """Whether the user may change this record (by its own domain; see ``ensure_editable``)."""
    return may_change_in(obj, user, obj.access_domain)


def get_editable_or_403(queryset: Any, user: Actor, **lookup: Any) -> Any:
    """404 outside reach; 403 for a reachable object the user may not change (by its own
    domain, as for ``ensure_editable``)."""
    obj = get_visible_or_404(queryset, user, **lookup)
    ensure_editable(obj, user)
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


def require_any_role(user: Actor, roles: Iterable[str]) -> None:
    """403 unless the user holds one of the roles (for pages with no single object)."""
    if not has_role(user, *roles):
        raise PermissionDenied("Your role does not give access to this page.")
