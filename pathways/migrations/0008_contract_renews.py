"""A contract names the contract it renews (each renewed once at most)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pathways", "0007_people_met_are_no_longer_never_met")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="renews",
            field=models.OneToOneField(
                blank=True,
                help_text="Le contrat que celui-ci renouvelle : un contrat n'est renouvelé qu'une fois, si bien que deux formulaires de renouvellement ouverts n'en créent pas deux.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="renewal",
                to="pathways.contract",
                verbose_name="renouvelle",
            ),
        ),
    ]
