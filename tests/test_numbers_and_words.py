"""Issue 15 item 14: numbers as people write them, plurals, no "---------" placeholders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from culture_of_care.templatetags.nhsuk import as_written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("3.000"), "3"),
        (Decimal("2.500"), "2.5"),
        (Decimal("1200.000"), "1200"),
        ("3.000", "3"),
        (Decimal("0.000"), "0"),
        (4.0, "4"),
        ("blank", "blank"),
        ("", ""),
        (None, None),
    ],
)
def test_numbers_are_written_as_people_write_them(value, written):
    assert as_written(value) == written


class _Form(forms.Form):
    ward = forms.ModelChoiceField(queryset=None)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])

    def __init__(self, *args, **kwargs):
        from wards.models import Ward

        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.all()


def test_select_fields_never_show_dashes(db, ward):
    html = Template("{% nhsuk_field form.ward %}{% nhsuk_field form.kind %}").render(
        Context({"form": _Form()})
    )
    assert "---------" not in html
    assert html.count(">Choose one</option>") == 2
    assert "Willow Ward" in html


def test_a_decimal_field_shows_three_not_three_point_zero_zero_zero(db):
    class F(forms.Form):
        target = forms.DecimalField(decimal_places=3)

    html = Template("{% nhsuk_field form.target %}").render(
        Context({"form": F(initial={"target": Decimal("3.000")})})
    )
    assert 'value="3"' in html


def test_programme_home_says_one_ward_not_one_wards(client_for, programme_lead, ward):
    home = client_for(programme_lead).get(reverse("home"))
    text = " ".join(home.text.split())
    assert 'app-count">1</span> organisation</p>' in text
    assert 'app-count">1</span> ward (1 active)' in text
    assert 'app-count">1</span> person taking part' in text


def test_ward_home_offers_enter_this_months_data(client_for, ward_member, ward):
    from culture_of_care.improvement.models import ProjectKind
    from culture_of_care.improvement.tests.factories import ProjectFactory

    project = ProjectFactory(ward=ward, organisation=ward.organisation, kind=ProjectKind.WARD)
    home = client_for(ward_member).get(reverse("home"))
    assert "Enter this month&#x27;s data" in home.text or "Enter this month's data" in home.text
    assert reverse("improvement:data", args=[project.pk]) in home.text
