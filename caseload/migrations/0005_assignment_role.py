from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

DUPLICATE_DETAIL = (
    "Doublon : un autre référent de ce rôle suivait déjà la personne dans ce dispositif."
)


def copy_roles_and_end_duplicates(apps, schema_editor):
    """Each assignment takes its staff member's role; when a person has two
    active referents of one role in one programme (two managers at the same
    instant), the earliest keeps the person and the others end."""
    Assignment = apps.get_model("caseload", "Assignment")
    StaffProfile = apps.get_model("caseload", "StaffProfile")
    Assignment.objects.update(
        role=Subquery(StaffProfile.objects.filter(pk=OuterRef("staff_id")).values("role")[:1])
    )
    duplicated = (
        Assignment.objects.filter(ended_at__isnull=True)
        .order_by()
        .values("beneficiary_id", "role", "programme")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    now = timezone.now()
    for group in duplicated:
        rows = list(
            Assignment.objects.filter(
                ended_at__isnull=True,
                beneficiary_id=group["beneficiary_id"],
                role=group["role"],
                programme=group["programme"],
            ).order_by("started_at", "pk")
        )
        for row in rows[1:]:
            row.ended_at = max(now, row.started_at)
            row.end_reason = "other"
            row.end_detail = DUPLICATE_DETAIL
            row.save(update_fields=["ended_at", "end_reason", "end_detail"])


class Migration(migrations.Migration):
    """Each assignment records its referent's role. The constraints come in
    the next migration: PostgreSQL creates no index on a table with pending
    trigger events in the same transaction."""

    dependencies = [
        ("beneficiaries", "0006_imports_moved_to_intake"),
        ("caseload", "0004_assignment_agreement_and_end_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("social_worker", "Travailleur social"),
                    ("sociopro_referent", "Référent socio-professionnel"),
                    ("pe_advisor", "Conseiller France Travail"),
                    ("job_consultant", "Consultant emploi"),
                    ("nurse", "Infirmier"),
                    ("manager", "Chef de service"),
                    ("admin", "Administrateur"),
                ],
                max_length=30,
                verbose_name="rôle du référent",
            ),
        ),
        migrations.RunPython(copy_roles_and_end_duplicates, migrations.RunPython.noop),
    ]
