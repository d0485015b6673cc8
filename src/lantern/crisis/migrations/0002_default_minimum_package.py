"""The minimum service package a crisis guarantees, as the two source documents describe it: shelter and basic
needs at once, health care and tests regardless of status, interpretation, psychosocial support, legal counselling.
The national coordinator changes it through the API (PUT /api/v1/minimum-package)."""

from django.db import migrations

DEFAULTS = [
    ("safe_accommodation", 2),
    ("food_package", 2),
    ("protective_equipment", 2),
    ("medical", 3),
    ("interpretation", 3),
    ("covid_test_vaccination", 7),
    ("remote_psychosocial", 14),
    ("legal_counselling", 14),
]


def create(apps, schema_editor):
    PackageItem = apps.get_model("crisis", "PackageItem")
    for service_type, days in DEFAULTS:
        PackageItem.objects.get_or_create(service_type=service_type, defaults={"deadline_days": days})


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
