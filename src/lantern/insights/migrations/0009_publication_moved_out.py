"""The publication models leave the insights app's state for the publication app's (decision 0011); their tables
stay where they are, under their names, with their rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0008_publication_minimum_k"),
        ("publication", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PublicationRelease"),
                migrations.DeleteModel(name="PublicationDataset"),
                migrations.DeleteModel(name="PublicationPolicy"),
            ],
        ),
    ]
