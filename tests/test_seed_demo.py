"""The demo programme loads once, deterministically, with a login per role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from culture_of_care.accounts.models import RoleAssignment, User
from culture_of_care.accounts.roles import Role
from organisations.models import Organisation, Region
from wards.models import Ward


@pytest.mark.xdist_group("seed")
def test_seed_demo_builds_the_programme_once(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()

    assert 55 <= Organisation.objects.count() <= 65
    assert set(Organisation.objects.values_list("region", flat=True)) == {
        code for code, _ in Region.choices
    }
    assert 210 <= Ward.objects.count() <= 230
    assert RoleAssignment.objects.filter(role=Role.EXECUTIVE).count() == 103
    for role in Role.values:
        assert RoleAssignment.objects.filter(role=role).exists(), role
    for local in ("admin", "lead", "coach", "orglead", "ward", "risk", "executive"):
        email = f"{local}@demo.cultureofcare.example"
        assert email in text
        assert User.objects.get(email=email).check_password("CultureOfCare-demo-2026")
    # Nobody shares a name (the organisation lead and the leadership coach once did).
    names = list(User.objects.filter(is_demo=True).values_list("full_name", flat=True))
    assert len(names) == len(set(names))
    # Aims are all three parts or none, and a ward aim's "how much" measures its "what".
    from culture_of_care.improvement.models import Project

    for project in Project.objects.all():
        parts = [bool(project.aim_what), bool(project.aim_how_much), bool(project.aim_by_when)]
        assert all(parts) or not any(parts), project.title
    # Beds sit within each service type's typical range.
    for ward in Ward.objects.select_related("service_type")[:50]:
        assert ward.service_type.typical_beds_min <= ward.beds <= ward.service_type.typical_beds_max

    with pytest.raises(CommandError, match="already has organisations"):
        call_command("seed_demo", stdout=StringIO())
    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "demo not loaded" in again.getvalue()


def test_seed_demo_rejects_a_silly_scale(db):
    with pytest.raises(CommandError, match="between 1 and 20"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
