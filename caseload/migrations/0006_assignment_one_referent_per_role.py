from django.db import migrations, models


class Migration(migrations.Migration):
    """One active referent per person, role and programme."""

    dependencies = [
        ("caseload", "0005_assignment_role"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_at__isnull", True)),
                fields=("beneficiary", "role", "programme"),
                name="assignment_unique_active_per_role",
                violation_error_message=(
                    "Cette personne a déjà un référent de ce rôle dans ce dispositif."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(("role", ""), _negated=True),
                name="assignment_has_role",
                violation_error_message="Une affectation indique le rôle de son référent.",
            ),
        ),
    ]
