"""The stored unassigned queue (`caseload.models.Unassigned`): whether it is
stored on this database, and the check that it is exact.

On PostgreSQL, triggers keep one row per person waiting for a referent
(migration `caseload.0010_unassigned`); the view `caseload_unassigned_expected` is
the one definition the triggers recompute from, and the drift check compares
the table with it. On SQLite (the embedded demo) there are no triggers: the
table stays empty and `pathways.selectors.unassigned_queue` computes the
filter instead."""

from django.db import connection


def is_stored():
    """Whether the database keeps the unassigned queue (PostgreSQL)."""
    return connection.vendor == "postgresql"


def unassigned_drift():
    """[(beneficiary_id, difference)] of the rows where the stored queue
    differs from its definition: 'missing' (waiting but not stored), 'extra'
    (stored but no longer waiting) or 'differs' (territory, commune,
    pathway, programme, stage or next deadline). Empty when exact, and on a
    database that does not store the queue."""
    if not is_stored():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT beneficiary_id, difference FROM caseload_unassigned_drift()")
        return [tuple(row) for row in cursor.fetchall()]
