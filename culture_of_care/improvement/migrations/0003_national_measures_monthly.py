"""Wards report every national measure monthly (DOMAIN.md), so the whole set is monthly.

The starter CSV listed one measure as weekly, but the programme's data entry is a monthly grid
against a 12-month baseline; a weekly label on monthly figures would mislead.
"""

from django.db import migrations


def monthly(apps, schema_editor):
    Measure = apps.get_model("improvement", "Measure")
    Measure.objects.filter(organisation__isnull=True).update(frequency="monthly")


class Migration(migrations.Migration):
    dependencies = [("improvement", "0002_reference_data")]
    operations = [migrations.RunPython(monthly, migrations.RunPython.noop)]
