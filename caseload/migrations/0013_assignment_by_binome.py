"""A binôme's assignments indexed by (binôme, end, person), for binôme rows
only, instead of the foreign key's index over every assignment.

The foreign key's index is dropped by name rather than by altering the
field: on SQLite, altering a column rebuilds the table, and the rebuild
drops the triggers that keep the stored loads (`0009_staff_load`)."""

import django.db.models.deletion
from django.db import migrations, models

FOREIGN_KEY_INDEX = "caseload_assignment_binome_id_7115bac5"


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0012_unassigned_deadline_triggers_by_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assignment",
                    name="binome",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assignments",
                        to="caseload.binome",
                        verbose_name="binôme",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FOREIGN_KEY_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{FOREIGN_KEY_INDEX}" ON "caseload_assignment" ("binome_id")'
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("binome__isnull", False)),
                fields=["binome", "ended_at", "beneficiary"],
                name="assignment_by_binome",
            ),
        ),
    ]
