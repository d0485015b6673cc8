"""Residents moved to a regular bed kept the day their quarantine was to end, and pages and the API went on showing
them "in quarantine until" that day. They are out of quarantine: the date goes (the quarantine steps and the bed
assignments keep the history)."""

from typing import Any

from django.db import migrations


def clear_quarantine_of_regular_residents(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    stay_model = apps.get_model("shelters", "Stay")
    assignment_model = apps.get_model("shelters", "BedAssignment")
    in_regular_beds = assignment_model.objects.using(alias).filter(until__isnull=True, wing="regular").values("stay_id")
    stay_model.objects.using(alias).filter(quarantine_until__isnull=False, pk__in=in_regular_beds).update(
        quarantine_until=None
    )


class Migration(migrations.Migration):
    dependencies = [("shelters", "0003_repatriation_own_request")]

    operations = [migrations.RunPython(clear_quarantine_of_regular_residents, migrations.RunPython.noop)]
