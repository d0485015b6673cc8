"""A crisis message can be tied to a kind of measure: a curfew message is shown only while a curfew is in force.
The standard "you may leave home" message speaks of lockdown and curfew rules, so it is shown while movement is
restricted (a lockdown, a curfew or a movement restriction), not during a crisis that only suspends the courts."""

from django.db import migrations, models


def leave_home_while_movement_restricted(apps, schema_editor):
    CrisisMessage = apps.get_model("portal", "CrisisMessage")
    CrisisMessage.objects.filter(key="leave_home", shown_while="").update(shown_while="movement")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_leave_home_flag"),
    ]

    operations = [
        migrations.AddField(
            model_name="crisismessage",
            name="shown_while",
            field=models.CharField(blank=True, default="", max_length=24),
        ),
        migrations.RunPython(leave_home_while_movement_restricted, migrations.RunPython.noop),
    ]
