"""The blind index of a person's full name, for "find a case by name" inside one organisation. Existing people get
theirs from their decrypted names, in batches (the data and index keys must be configured, as for any start)."""

from typing import Any

from django.db import migrations, models

BATCH = 2000


def index_names(apps: Any, schema_editor: Any) -> None:
    person_model = apps.get_model("cases", "Person")
    people = person_model.objects.using(schema_editor.connection.alias)
    if not people.filter(anonymised_at__isnull=True).exists():
        return
    from lantern.core.crypto import blind_index, normalise_for_index

    last = 0
    while True:
        batch = list(people.filter(pk__gt=last, anonymised_at__isnull=True).order_by("pk")[:BATCH])
        if not batch:
            return
        for person in batch:
            name = " ".join(part for part in (person.first_name, person.second_name) if part)
            person.name_index = blind_index(name, purpose="person-name") if normalise_for_index(name) else ""
        person_model.objects.using(schema_editor.connection.alias).bulk_update(batch, ["name_index"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_competent_authority_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_index",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64),
        ),
        migrations.RunPython(index_names, migrations.RunPython.noop, elidable=True),
    ]
