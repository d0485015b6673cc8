"""The standard crisis messages in every portal language (lantern.portal.standard_messages)."""

from django.db import migrations


def seed(apps, schema_editor):
    from lantern.portal.standard_messages import STANDARD_MESSAGES

    CrisisMessage = apps.get_model("portal", "CrisisMessage")
    MessageText = apps.get_model("portal", "MessageText")
    for position, (key, texts) in enumerate(STANDARD_MESSAGES.items(), start=1):
        message, created = CrisisMessage.objects.get_or_create(key=key, defaults={"position": position})
        if not created:
            continue
        MessageText.objects.bulk_create(
            MessageText(message=message, language=language, title=title, body=body, source_revision=1)
            for language, (title, body) in texts.items()
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
