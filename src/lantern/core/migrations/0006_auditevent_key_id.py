"""The audit chain is keyed: each row names the audit key whose HMAC its hash is (decision 0010). Existing rows get
"" (a plain SHA-256, accepted only up to LANTERN_AUDIT_UNKEYED_UNTIL); adding a column updates no row, so the
append-only triggers are not involved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_break_glass_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
