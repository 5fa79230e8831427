"""The stored unassigned queue (`caseload.models.Unassigned`): whether it is
stored on this database, and the check that it is exact.

On PostgreSQL, triggers keep one row per person waiting for a referent
(migration `caseload.0010_unassigned`); the view `caseload_unassigned_expected` is
the one definition the triggers recompute from, and the drift check compares
the table with it. On SQLite (the embedded demo) there are no triggers: the
table stays empty and `pathways.selectors.unassigned_queue` computes the
filter instead."""

from contextlib import contextmanager

from django.db import connection, transaction


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


@contextmanager
def unassigned_deferred():
    """A block of writes after which the stored queue is refreshed once.

    The triggers refresh the people each statement touches: a block that
    writes the same people in several statements (an import batch: the
    people, then their pathways, then their deadlines) would recompute them
    as many times. Inside this block the triggers only note the people
    (setting `parcours.unassigned_deferred`, migration
    `caseload.0011_unassigned_deferred`); at its end they are refreshed once,
    in the same transaction, those the triggers asked to lock locked in id
    order as an immediate refresh does. Readers of the queue inside the
    block see it as it was before. A block that fails rolls back the
    transaction it is in, with what it noted. Nothing to do where the queue
    is not stored (SQLite)."""
    if not is_stored():
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT caseload_unassigned_defer()")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT caseload_unassigned_refresh_pending()")
