from __future__ import annotations

from django import forms

from organisations.models import Region
from wards.models import ServiceType, WardStatus


class WardFilterForm(forms.Form):
    q = forms.CharField(label="Ward or organisation name", required=False, max_length=100)
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions"), *Region.choices]
    )
    service_type = forms.ModelChoiceField(
        label="Service type",
        required=False,
        queryset=ServiceType.objects.all(),
        empty_label="All service types",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *WardStatus.choices]
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(name__icontains=q) | queryset.filter(
                organisation__name__icontains=q
            )
        if data.get("region"):
            queryset = queryset.filter(organisation__region=data["region"])
        if data.get("service_type"):
            queryset = queryset.filter(service_type=data["service_type"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset
