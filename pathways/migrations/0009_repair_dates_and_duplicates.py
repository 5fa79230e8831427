"""Prepare the data for the next migration's constraints:

- dates outside the fixed bounds (1900–2200) are emptied when they mean
  nothing once wrong (a next appointment in year 1), clamped otherwise;
- an action prescribed twice to a person and active twice (a double submit)
  keeps one active prescription, the one in progress or else the oldest; the
  others are marked abandoned, so that their hours no longer count twice;
- each pathway's contracts are chained in their order of signature: each
  renews the one before, the last is the current one.
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

from core.date_ranges import repair_out_of_range

ACTIVE = ["prescribed", "in_progress"]

# (model, field, emptied rather than clamped, datetime)
FIELDS = [
    ("Interview", "occurred_on", False, False),
    ("Interview", "next_appointment_at", True, True),
    ("Prescription", "prescribed_on", False, False),
    # Clamped, not emptied: "ends after it starts" holds after a clamp.
    ("Prescription", "starts_on", False, False),
    ("Prescription", "ends_on", False, False),
    ("Contract", "signed_on", False, False),
    ("Contract", "review_on", False, False),
    ("Deadline", "reference_date", False, False),
    ("Deadline", "due_on", False, False),
    ("Deadline", "met_on", False, False),
    ("Deadline", "cancelled_on", False, False),
    ("Pathway", "opened_on", False, False),
    ("Pathway", "entered_on", False, False),
    ("OrientationDecision", "decided_on", False, False),
    ("OrientationDecision", "notified_on", False, False),
]


def repair_dates(apps):
    for model_name, field, empty, datetime_field in FIELDS:
        repair_out_of_range(
            apps.get_model("pathways", model_name),
            field,
            empty=empty,
            datetime_field=datetime_field,
        )


def end_duplicate_prescriptions(apps):
    Prescription = apps.get_model("pathways", "Prescription")
    today = timezone.localdate()
    groups = (
        Prescription.objects.filter(status__in=ACTIVE)
        .values("beneficiary_id", "offer_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )
    for group in groups:
        rows = list(
            Prescription.objects.filter(
                beneficiary_id=group["beneficiary_id"],
                offer_id=group["offer_id"],
                status__in=ACTIVE,
            ).order_by("prescribed_on", "pk")
        )
        kept = next((p for p in rows if p.status == "in_progress"), rows[0])
        for row in rows:
            if row.pk == kept.pk:
                continue
            row.status = "abandoned"
            row.ends_on = max(today, row.starts_on or today)
            row.save(update_fields=["status", "ends_on"])


def chain_contracts(apps):
    Contract = apps.get_model("pathways", "Contract")
    previous = {}
    changed = []
    for contract in Contract.objects.order_by("beneficiary_id", "pathway_id", "signed_on", "pk"):
        key = (contract.beneficiary_id, contract.pathway_id)
        before = previous.get(key)
        previous[key] = contract.pk
        if before is not None and contract.renews_id != before:
            contract.renews_id = before
            changed.append(contract)
    Contract.objects.bulk_update(changed, ["renews"], batch_size=500)


def repair(apps, schema_editor):
    repair_dates(apps)
    end_duplicate_prescriptions(apps)
    chain_contracts(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0009_repair_out_of_range_dates"),
        ("pathways", "0008_contract_renews"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
