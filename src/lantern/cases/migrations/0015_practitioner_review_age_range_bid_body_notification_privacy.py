"""After a practitioner's review: an age assessment records the range of ages found (the lower end decides, the
benefit of the doubt), a best-interests step names the body that took it (an organisation or a body named in words),
and an anonymous notification gets a random identifier and keeps only the day it was recorded.

Existing single ages become a range of one age. Existing notifications are copied under new random identifiers with
the day of their recording: the old sequential numbers (which the audit trail names) lead to no row any more."""

import uuid
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def ages_to_ranges(apps: Any, schema_editor: Any) -> None:
    assessments = apps.get_model("cases", "AgeAssessment").objects.using(schema_editor.connection.alias)
    assessments.filter(result_age__isnull=False).update(age_lower=models.F("result_age"), age_upper=models.F("result_age"))


def ranges_to_ages(apps: Any, schema_editor: Any) -> None:
    assessments = apps.get_model("cases", "AgeAssessment").objects.using(schema_editor.connection.alias)
    assessments.filter(age_lower__isnull=False).update(result_age=models.F("age_lower"))


def notifications_rekey(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    old = apps.get_model("cases", "AnonymousNotification").objects.using(alias)
    new = apps.get_model("cases", "AnonymousNotificationRandom")
    rows = [
        new(
            id=uuid.uuid4(),
            organisation_id=n.organisation_id,
            identified_on=n.identified_on,
            gender=n.gender,
            age_band=n.age_band,
            citizenship=n.citizenship,
            forms_of_exploitation=n.forms_of_exploitation,
            exploitation_country=n.exploitation_country,
            exploitation_region=n.exploitation_region,
            recorded_on=django.utils.timezone.localtime(n.recorded_at).date(),
        )
        for n in old.order_by("?")
    ]
    new.objects.using(alias).bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_htcds_core_fields"),
        ("core", "0001_initial"),
    ]

    operations = [
        # Age assessments: a range, the lower end decides.
        migrations.RemoveConstraint(model_name="ageassessment", name="age_assessment_age_matches_band"),
        migrations.AddField(
            model_name="ageassessment", name="age_lower", field=models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="ageassessment", name="age_upper", field=models.PositiveSmallIntegerField(blank=True, null=True)
        ),
        migrations.RunPython(ages_to_ranges, ranges_to_ages),
        migrations.RemoveField(model_name="ageassessment", name="result_age"),
        migrations.AddConstraint(
            model_name="ageassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("age_lower__isnull", True), ("age_upper__isnull", True))
                | models.Q(
                    ("age_lower__isnull", False),
                    ("age_lower__lte", models.F("age_upper")),
                    ("age_upper__isnull", False),
                ),
                name="age_assessment_range_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="ageassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("age_lower__isnull", True))
                | models.Q(("age_lower__lt", 18), ("result_band", "under_18"))
                | models.Q(("age_lower__gte", 18), ("result_band", "adult")),
                name="age_assessment_lower_end_decides",
            ),
        ),
        # Best interests: the deciding body is named.
        migrations.AlterField(
            model_name="bestinterests",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.AddField(
            model_name="bestinterests",
            name="body_name",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddConstraint(
            model_name="bestinterests",
            constraint=models.CheckConstraint(
                condition=models.Q(("organisation__isnull", False), ("body_name", ""))
                | models.Q(("organisation__isnull", True), models.Q(("body_name", ""), _negated=True)),
                name="best_interests_names_one_body",
            ),
        ),
        # Anonymous notifications: a random identifier, the day only.
        migrations.CreateModel(
            name="AnonymousNotificationRandom",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("identified_on", models.DateField()),
                (
                    "gender",
                    models.CharField(
                        choices=[
                            ("Feminine", "Female"),
                            ("Masculine", "Male"),
                            ("TransgenderFeminine", "Transgender female"),
                            ("TransgenderMasculine", "Transgender male"),
                            ("NonConforming", "Non-conforming"),
                            ("NonSpecifiedUnknown", "Not specified or unknown"),
                        ],
                        default="NonSpecifiedUnknown",
                        max_length=24,
                    ),
                ),
                ("age_band", models.CharField(blank=True, default="", max_length=8)),
                ("citizenship", models.CharField(blank=True, default="", help_text="ISO 3166 code", max_length=2)),
                ("forms_of_exploitation", models.JSONField(blank=True, default=list)),
                ("exploitation_country", models.CharField(blank=True, default="", max_length=2)),
                ("exploitation_region", models.CharField(blank=True, default="", max_length=100)),
                ("recorded_on", models.DateField(default=django.utils.timezone.localdate)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.organisation"
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_on", "pk"],
                "indexes": [
                    models.Index(fields=["organisation", "-recorded_on"], name="notification_org_recent_day"),
                    models.Index(fields=["identified_on"], name="notification_identified_on"),
                ],
            },
        ),
        migrations.RunPython(notifications_rekey, migrations.RunPython.noop),
        migrations.DeleteModel(name="AnonymousNotification"),
        migrations.RenameModel(old_name="AnonymousNotificationRandom", new_name="AnonymousNotification"),
    ]
