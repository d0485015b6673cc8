# The competent authority: where a case is referred, on what basis, and what its decisions say.

import django.db.models.deletion
import lantern.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_indicator_checklists_and_anonymous_notifications'),
        ('core', '0011_break_glass_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='referral_legal_basis',
            field=lantern.core.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='case',
            name='referred_to',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases_referred', to='core.organisation'),
        ),
        migrations.AddField(
            model_name='countryprofile',
            name='recovery_period_minimum_days',
            field=models.PositiveSmallIntegerField(default=30),
        ),
        migrations.AddField(
            model_name='decision',
            name='reasons',
            field=lantern.core.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='decision',
            name='reconsideration_grounds',
            field=lantern.core.fields.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='decision',
            name='served_language',
            field=models.CharField(blank=True, default='', max_length=3),
        ),
        migrations.AddField(
            model_name='decision',
            name='served_on',
            field=models.DateField(blank=True, null=True),
        ),
    ]
