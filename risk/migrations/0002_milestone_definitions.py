"""The starting milestone checklist, from data/risk_milestones.csv (admins edit it afterwards)."""

from django.db import migrations


def load(apps, schema_editor):
    from culture_of_care.reference import rows

    MilestoneDefinition = apps.get_model("risk", "MilestoneDefinition")
    for order, row in enumerate(rows("risk_milestones"), start=1):
        MilestoneDefinition.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "evidence_hint": row["evidence"],
                "order": order * 10,
                "records_staff_trained": row["code"] == "staff_trained",
            },
        )


def unload(apps, schema_editor):
    from culture_of_care.reference import rows

    MilestoneDefinition = apps.get_model("risk", "MilestoneDefinition")
    MilestoneDefinition.objects.filter(
        code__in=[r["code"] for r in rows("risk_milestones")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
