from django.db import migrations, models


def approved_entries_keep_what_they_showed(apps, schema_editor):
    """The review now covers the kind of help, regions, languages and delivery modes too. Approved entries keep
    being shown with what the portal showed of them until now; any change from now on goes to the coordinator."""
    Offering = apps.get_model("providers", "Offering")
    for offering in Offering.objects.exclude(approved_public=None):
        extra = {
            "service_type": offering.service_type,
            "regions": sorted(offering.regions),
            "languages": sorted(offering.languages),
            "interpreter_available": offering.interpreter_available,
            "delivery_modes": sorted(offering.delivery_modes),
        }
        offering.approved_public = {**extra, **offering.approved_public}
        if offering.reviewed_public is not None:
            offering.reviewed_public = {**extra, **offering.reviewed_public}
        offering.save(update_fields=["approved_public", "reviewed_public"])


class Migration(migrations.Migration):
    dependencies = [("providers", "0005_directory_review")]

    operations = [
        migrations.AddField(
            model_name="offering",
            name="review_reason",
            field=models.CharField(blank=True, default="", help_text="why the last was rejected", max_length=300),
        ),
        migrations.RunPython(approved_entries_keep_what_they_showed, migrations.RunPython.noop),
    ]
