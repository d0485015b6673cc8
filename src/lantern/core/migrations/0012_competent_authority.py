# The competent authority: an organisation type (one per country) and the role of its members.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_break_glass_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('caseworker', 'Caseworker'), ('supervisor', 'Supervisor'), ('org_admin', 'Organisation administrator'), ('first_responder', 'First responder'), ('service_provider', 'Service provider'), ('justice', 'Prosecutor or court clerk'), ('national_coordinator', 'National coordinator'), ('analyst', 'Analyst'), ('auditor', 'Auditor'), ('sysadmin', 'System administrator'), ('authority_member', 'Member of the competent authority')], max_length=32),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='type',
            field=models.CharField(choices=[('NGO', 'Non-governmental organisation'), ('LawEnforcement', 'Law enforcement'), ('HealthServiceOrganisation', 'Health service'), ('CentralGovernmentOrganisation', 'Central government'), ('LocalGovernmentOrganisation', 'Local government'), ('ImmigrationService', 'Immigration service'), ('LegalService', 'Legal service'), ('CorporateBusiness', 'Business'), ('SchoolOrCollege', 'School or college'), ('Shelter', 'Shelter'), ('Court', 'Court'), ('Prosecution', 'Prosecution service'), ('Ministry', 'Ministry'), ('LabourInspectorate', 'Labour inspectorate'), ('Hotline', 'Hotline'), ('CompetentAuthority', 'Competent authority (identification decisions)')], max_length=40),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('type', 'CompetentAuthority')), fields=('country',), name='one_competent_authority_per_country'),
        ),
    ]
