"""Factories for the foundation models; apps keep theirs in <app>/tests/factories.py."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from culture_of_care.accounts.models import RoleAssignment, User
from organisations.models import Organisation, ProviderType
from wards.models import ServiceType, Ward


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Test Mental Health Trust {n}")
    region = "Y56"
    provider_type = ProviderType.NHS_TRUST


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"W{n:03d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    service_type = factory.LazyFunction(
        lambda: ServiceType.objects.get_or_create(
            code="10", defaults={"name": "Acute adult mental health care", "group": "Adult acute"}
        )[0]
    )
    beds = 18
    coaching_start = date(2025, 4, 1)
    coaching_end = date(2027, 4, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("a-Strong-password-123")


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "ward_member"
    starts_on = date(2025, 1, 1)


def user_with_role(role: str, *, organisation=None, ward=None, **kwargs) -> User:
    """A person holding one role, scoped as the role needs."""
    user = UserFactory(**kwargs)
    org = organisation or (ward.organisation if ward is not None else None)
    RoleAssignmentFactory(user=user, role=role, organisation=org, ward=ward)
    if role in ("programme_admin", "programme_lead"):
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user
