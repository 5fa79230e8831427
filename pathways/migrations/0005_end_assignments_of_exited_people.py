from django.db import migrations
from django.utils import timezone

# pathways.enums.ExitOutcome, as labelled when this migration was written.
OUTCOME_LABELS = {
    "cdi": "CDI",
    "cdd": "CDD",
    "training": "Formation",
    "business_creation": "Création d'entreprise",
    "moved_away": "Déménagement",
    "end_of_rights": "Fin de droits",
    "other": "Autre sortie",
}
BATCH_SIZE = 1000


def end_assignments_of_exited_people(apps, schema_editor):
    """People who left (their last pathway closed by an exit, none open)
    still filled their referents' portfolios: their active assignments end,
    on the day of the exit (or now, for an assignment started after it),
    with the exit as their reason."""
    Assignment = apps.get_model("caseload", "Assignment")
    Pathway = apps.get_model("pathways", "Pathway")
    still_open = set(
        Pathway.objects.filter(closed_at__isnull=True).values_list("beneficiary_id", flat=True)
    )
    exits = {}
    for beneficiary_id, closed_at, outcome, outcome_detail in (
        Pathway.objects.filter(stage="exit", closed_at__isnull=False)
        .order_by("closed_at", "pk")
        .values_list("beneficiary_id", "closed_at", "outcome", "outcome_detail")
    ):
        if beneficiary_id not in still_open:
            exits[beneficiary_id] = (closed_at, outcome, outcome_detail)  # the latest wins
    now = timezone.now()
    exited = sorted(exits)
    for start in range(0, len(exited), BATCH_SIZE):
        batch = list(
            Assignment.objects.filter(
                ended_at__isnull=True, beneficiary_id__in=exited[start : start + BATCH_SIZE]
            )
        )
        for assignment in batch:
            closed_at, outcome, outcome_detail = exits[assignment.beneficiary_id]
            detail = OUTCOME_LABELS.get(outcome, "")
            if outcome_detail:
                detail = f"{detail} : {outcome_detail}" if detail else outcome_detail
            assignment.ended_at = closed_at if closed_at >= assignment.started_at else now
            assignment.end_reason = "pathway_exit"
            assignment.end_detail = detail[:500]
        Assignment.objects.bulk_update(batch, ["ended_at", "end_reason", "end_detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0006_assignment_one_referent_per_role"),
        ("pathways", "0004_notification_moved_from_core"),
    ]

    operations = [
        migrations.RunPython(end_assignments_of_exited_people, migrations.RunPython.noop),
    ]
