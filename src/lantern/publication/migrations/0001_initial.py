"""The publication app takes over the three tables the insights app created for it (decision 0011): the models
enter this app's state with the tables they have (`db_table`), and nothing in the database changes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("insights", "0008_publication_minimum_k"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PublicationDataset',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=100, unique=True)),
                        ('label', models.CharField(max_length=200)),
                        ('budget', models.FloatField(help_text='total epsilon that the releases of this dataset may spend')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'insights_publicationdataset',
                        'ordering': ['label', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('budget__gt', 0)), name='publication_budget_positive')],
                    },
                ),
                migrations.CreateModel(
                    name='PublicationRelease',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mode', models.CharField(choices=[('k', 'Small-cell suppression (k threshold)'), ('dp', 'Differential privacy')], max_length=2)),
                        ('k', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('epsilon', models.FloatField(blank=True, null=True)),
                        ('dimensions', models.JSONField(default=list)),
                        ('records', models.PositiveIntegerField()),
                        ('cells', models.PositiveIntegerField()),
                        ('suppressed', models.PositiveIntegerField(default=0)),
                        ('table_csv', models.TextField()),
                        ('note', models.TextField()),
                        ('chart_svg', models.TextField(blank=True)),
                        ('chart_data', models.JSONField(default=list)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dataset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='releases', to='publication.publicationdataset')),
                    ],
                    options={
                        'db_table': 'insights_publicationrelease',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('epsilon__isnull', True), ('k__gte', 2), ('mode', 'k')), models.Q(('epsilon__gt', 0), ('k__isnull', True), ('mode', 'dp')), _connector='OR'), name='publication_release_mode_parameters')],
                    },
                ),
                migrations.CreateModel(
                    name='PublicationPolicy',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        ('minimum_k', models.PositiveSmallIntegerField(default=11)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'insights_publicationpolicy',
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='publication_policy_singleton'), models.CheckConstraint(condition=models.Q(('minimum_k__gte', 2), ('minimum_k__lte', 100)), name='publication_minimum_k')],
                    },
                ),
            ],
        ),
    ]
