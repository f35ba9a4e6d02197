"""Load the MHSDS hospital bed types (reference data shipped in culture_of_care/data)."""

from django.db import migrations


def load(apps, schema_editor):
    from culture_of_care.reference import rows

    ServiceType = apps.get_model("wards", "ServiceType")
    for row in rows("service_types"):
        ServiceType.objects.update_or_create(
            code=row["mhsds_code"],
            defaults={
                "name": row["name"],
                "group": row["group"],
                "typical_beds_min": int(row["typical_beds_min"]),
                "typical_beds_max": int(row["typical_beds_max"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("wards", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
