"""Repair of the stored load counters (`caseload.StaffLoad`).

The database keeps them exact (triggers of migration `caseload.0009_staff_load`):
a drift means someone wrote with the triggers disabled (a restore, a manual
`session_replication_role = replica`). The repair recounts the drifted pairs
with the assignment table locked against writes, so that no assignment
changes between the recount and the fix."""

from django.db import connection, transaction

from caseload.models import Assignment, StaffLoad
from caseload.selectors import load_counter_drift


@transaction.atomic
def load_counters_repair():
    """Set every drifted counter to its recount. Returns the drifts fixed
    (`caseload.selectors.LoadDrift`, as found under the lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Writers wait; readers (the dashboard) go on.
            cursor.execute("LOCK TABLE caseload_assignment IN SHARE MODE")
    drifts = load_counter_drift()
    for drift in drifts:
        counted = (
            Assignment.objects.active()
            .filter(staff_id=drift.staff_id, programme=drift.programme)
            .count()
        )
        StaffLoad.objects.update_or_create(
            staff_id=drift.staff_id, programme=drift.programme, defaults={"active": counted}
        )
    return drifts
