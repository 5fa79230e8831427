"""Bring the dates stored before the fixed bounds existed back within them
(1900–2200), so that the next migration can add its CHECK constraints: a
date that means nothing once wrong is emptied, a required one is clamped."""

from django.db import migrations

from core.date_ranges import repair_out_of_range

# (model, field, emptied rather than clamped, datetime)
FIELDS = [
    ("Beneficiary", "birth_date", True, False),
    ("Beneficiary", "rsa_application_date", True, False),
    ("Beneficiary", "rights_opening_date", True, False),
    ("Beneficiary", "reinforced_consent_on", True, False),
    ("Beneficiary", "last_contact_at", True, True),
    ("Barrier", "identified_on", False, False),
    # Clamped: a lifted barrier keeps a date of lifting.
    ("Barrier", "lifted_on", False, False),
    ("BarrierEvent", "occurred_on", False, False),
    ("OutreachAttempt", "attempted_on", False, False),
]


def repair(apps, schema_editor):
    for model_name, field, empty, datetime_field in FIELDS:
        repair_out_of_range(
            apps.get_model("beneficiaries", model_name),
            field,
            empty=empty,
            datetime_field=datetime_field,
        )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0008_consent_history")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
