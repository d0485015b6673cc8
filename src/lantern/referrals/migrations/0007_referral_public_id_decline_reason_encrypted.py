import secrets

import lantern.core.fields
import lantern.referrals.models
from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    """Referrals made before this migration get their random id too (their old numbers stop working in URLs)."""
    Referral = apps.get_model("referrals", "Referral")
    for pk in Referral.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        Referral.objects.filter(pk=pk).update(public_id=secrets.token_hex(16))


def encrypt_existing(apps, schema_editor):
    """Reasons written before this migration were plain text: seal them now."""
    from lantern.core import crypto

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, decline_reason FROM referrals_referral WHERE decline_reason <> '' AND decline_reason NOT LIKE 'v1:%%'"
        )
        for pk, reason in cursor.fetchall():
            sealed = crypto.encrypt(reason, context="referrals.referral.decline_reason")
            cursor.execute("UPDATE referrals_referral SET decline_reason = %s WHERE id = %s", [sealed, pk])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="referral",
            name="public_id",
            field=models.CharField(
                default=lantern.referrals.models.new_public_id, editable=False, max_length=32, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="decline_reason",
            field=lantern.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
