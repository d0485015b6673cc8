from django.db import migrations, models


def earlier_declines_said_other(apps, schema_editor):
    """Referrals declined before the coded list had only free text: their reason is 'another reason'."""
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status="declined", decline_code="").update(decline_code="other")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_referral_public_id_decline_reason_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="decline_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("no_capacity", "No place or staff free now"),
                    ("not_eligible", "The person is not eligible for this service"),
                    ("language", "We cannot serve in the person's language"),
                    ("outside_area", "Outside the area we serve"),
                    ("not_offered", "We do not give this service now"),
                    ("other", "Another reason (say which)"),
                ],
                default="",
                max_length=16,
            ),
        ),
        migrations.RunPython(earlier_declines_said_other, migrations.RunPython.noop),
    ]
