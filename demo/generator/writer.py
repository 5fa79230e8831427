"""Writing the generated rows: ids reserved ahead, rows written in bulk.

`Rows` collects a chunk's rows as {attname: value} dicts; `insert_rows` (the
bulk writer of `core.bulk`, which imports use too) writes them: COPY on
PostgreSQL, `bulk_create` elsewhere. `ChunkWriter` writes a chunk while the
next one is built; `IdBlocks` reserves primary keys.
"""

import threading
from collections import Counter

from django.db import connection

from beneficiaries.models import Barrier, BarrierEvent, Beneficiary, HealthNote, OutreachAttempt
from caseload.models import Assignment
from core.bulk import insert_rows
from pathways.models import (
    Contract,
    ContractObjective,
    Deadline,
    DeadlineReminder,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
    StageTransition,
)


class ChunkWriter:
    """Writes a chunk's rows while the next chunk is being built.

    On PostgreSQL the COPY of chunk k runs in a thread, on the seed's own
    connection and transaction, while Python builds chunk k+1: the database
    and Python each get a core. psycopg serialises any other use of the
    connection (id reservations) behind the COPY. Every random draw stays in
    the main thread, so the data does not change. Elsewhere rows are written
    at once.
    """

    def __init__(self):
        self.threaded = connection.vendor == "postgresql"
        self.thread = None
        self.errors = []

    def write(self, rows):
        self.wait()
        if not self.threaded:
            rows.save()
            return
        connection.ensure_connection()
        raw = connection.connection
        self.thread = threading.Thread(target=self.run, args=(rows, raw), name="seed-demo-writer")
        self.thread.start()

    def run(self, rows, raw):
        try:
            rows.save(raw)
        except BaseException as exc:  # re-raised in the main thread by wait()
            self.errors.append(exc)

    def wait(self):
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.errors:
            raise self.errors.pop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.wait()
        elif self.thread is not None:
            # Failing already: let the COPY end before the transaction rolls back.
            self.thread.join()


class IdBlocks:
    """Primary keys reserved ahead, a block at a time, so that children point at
    their parents by id before anything is written: `bulk_create` then has no
    related objects to resolve and no ids to return for the parents."""

    BLOCK = 20000  # few reservations: each waits for a COPY in progress

    def __init__(self):
        self.free = {}
        self.sqlite_next = {}

    def next(self, model):
        free = self.free.get(model)
        if not free:
            free = self.free[model] = self.reserve(model)
        return free.pop()

    def reserve(self, model):
        """A block of unused ids, in descending order (`pop` takes the smallest)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                    "FROM generate_series(1, %s) ORDER BY 1 DESC",
                    [table, self.BLOCK],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the seed holds the only write transaction, so the ids
            # after the largest one are free.
            if model not in self.sqlite_next:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}"
                )
                self.sqlite_next[model] = cursor.fetchone()[0]
        start = self.sqlite_next[model]
        self.sqlite_next[model] = start + self.BLOCK
        return list(range(start + self.BLOCK - 1, start - 1, -1))


class Rows:
    """The rows of a chunk, as {attname: value} dicts, written in dependency
    order (parents first: their ids are reserved, children carry them)."""

    ORDER = [
        Beneficiary,
        Pathway,
        Interview,
        Interview.attendees.through,
        StageTransition,
        OrientationDecision,
        Deadline,
        DeadlineReminder,
        Assignment,
        OutreachAttempt,
        HealthNote,
        Barrier,
        BarrierEvent,
        Prescription,
        Contract,
        ContractObjective,
    ]

    def __init__(self, ids):
        self.ids = ids
        self.tables = {model: [] for model in self.ORDER}

    def add(self, model, *, with_id=False, **values):
        """A row; `with_id` reserves its primary key, for rows that have children."""
        if with_id:
            values["id"] = self.ids.next(model)
        self.tables[model].append(values)
        return values

    def save(self, raw_connection=None):
        for model, rows in self.tables.items():
            if rows:
                insert_rows(model, rows, raw_connection)

    def counts(self):
        return Counter({model._meta.model_name: len(rows) for model, rows in self.tables.items()})
