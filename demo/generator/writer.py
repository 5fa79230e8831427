"""Writing the generated rows: ids reserved ahead, rows written in bulk.

`Rows` collects a chunk's rows as {attname: value} dicts; `insert_rows`
writes them (COPY on PostgreSQL, `bulk_create` elsewhere); `ChunkWriter`
writes a chunk while the next one is built; `IdBlocks` reserves primary keys.
"""

import threading
from collections import Counter

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from beneficiaries.models import Barrier, BarrierEvent, Beneficiary, HealthNote, OutreachAttempt
from caseload.models import Assignment
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

BATCH_SIZE = 2500  # rows per INSERT


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


def insert_rows(model, rows, raw_connection=None):
    """Write rows given as {attname: value} dicts, foreign keys already set.

    PostgreSQL gets the rows through COPY; other databases through
    `bulk_create`. Django's insert path costs about 100 µs a row in Python
    (value preparation, UNNEST arrays, RETURNING), too slow for the 2.3
    million rows of a 100,000-person seed; COPY takes the values as they are.
    Neither path validates row by row: the builder keeps every constraint.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return
    columns = copy_columns(model, rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column, _, _ in columns)
    # The writer thread passes the psycopg connection: Django's wrapper is
    # bound to the main thread.
    cursor = raw_connection.cursor() if raw_connection else connection.cursor()
    with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(attname, default) for _, attname, default in columns])


def copy_columns(model, sample):
    """(column, attname, value when the row omits it) for each column to write:
    the field's default as Django would set it, `now` for auto_now fields;
    database defaults and the identity are left to PostgreSQL."""
    fields = model._meta.concrete_fields
    unknown = set(sample) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__}: champs inconnus {sorted(unknown)}")
    now = timezone.now()
    columns = []
    for f in fields:
        if f.attname not in sample and (f.primary_key or f.db_default is not NOT_PROVIDED):
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()  # the default, "" for text, else NULL
        columns.append((f.column, f.attname, default))
    return columns


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
