"""People already met at a held interview or reached by an outreach attempt
are no longer "jamais rencontré" (the flag now follows the facts: see
`beneficiaries.services.beneficiary_touch_contact`)."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def mark_met_people_known(apps, schema_editor):
    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    Interview = apps.get_model("pathways", "Interview")
    OutreachAttempt = apps.get_model("beneficiaries", "OutreachAttempt")
    Beneficiary.objects.filter(known_to_departement=False).filter(
        Q(Exists(Interview.objects.filter(beneficiary_id=OuterRef("pk"), status="held")))
        | Q(
            Exists(
                OutreachAttempt.objects.filter(
                    beneficiary_id=OuterRef("pk"), result__in=["reached", "appointment_set"]
                )
            )
        )
    ).update(known_to_departement=True)


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0006_notification_groups_and_email_outbox"),
        ("beneficiaries", "0006_imports_moved_to_intake"),
    ]

    operations = [migrations.RunPython(mark_met_people_known, migrations.RunPython.noop)]
