"""Whether the person was asked about disability and the at-risk groups: an empty list was "none" or "not asked",
which the insights could not tell apart. Existing cases with a domain or a group recorded were asked; the others
become "not asked" (nothing recorded an explicit none before)."""

from typing import Any

from django.db import migrations, models


def asked_where_recorded(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    disability, at_risk = [], []
    for pk, domains, groups in Case.objects.values_list("pk", "disability_domains", "at_risk_groups").iterator():
        if domains:
            disability.append(pk)
        if groups:
            at_risk.append(pk)
    for start in range(0, len(disability), 1000):
        Case.objects.filter(pk__in=disability[start : start + 1000]).update(disability_asked=True)
    for start in range(0, len(at_risk), 1000):
        Case.objects.filter(pk__in=at_risk[start : start + 1000]).update(at_risk_asked=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_practitioner_review_age_range_bid_body_notification_privacy")]

    operations = [
        migrations.AddField(model_name="case", name="disability_asked", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="case", name="at_risk_asked", field=models.BooleanField(default=False)),
        migrations.RunPython(asked_where_recorded, migrations.RunPython.noop),
    ]
