"""Every person's own address counts as verified (they were invited to it); stray unverified
addresses added on allauth's e-mail page, now unreachable, go, so none blocks setting up MFA."""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def forwards(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    rows = EmailAddress.objects.annotate(own=Lower("user__email"), addr=Lower("email"))
    rows.filter(addr=F("own")).update(verified=True)
    rows.exclude(addr=F("own")).filter(verified=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sso_domain"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
