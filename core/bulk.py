"""The bulk writer: rows given as {attname: value} dicts, written with
PostgreSQL COPY, or with `bulk_create` on other databases (the embedded
SQLite mode). Imports and the demo data both write through it.

COPY is several times faster than the multi-row INSERT that `bulk_create`
builds in Python (value preparation, UNNEST arrays, RETURNING: about 100 µs
a row), and building no model instance saves as much again. Primary keys
can be taken from the table's sequence first (`reserve_ids`), so that
children point at their parents before anything is written.

Neither path validates row by row: the caller has checked the rows, and the
database constraints are the last guard. A violation raises IntegrityError
and the caller's transaction rolls back, as with INSERT.
"""

from django.db import connections
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from core import audit

BATCH_SIZE = 2500  # rows per INSERT on databases without COPY


def reserve_ids(model, count, *, using="default"):
    """`count` primary keys taken from the table's sequence (PostgreSQL).

    The sequence is named once per table: `pg_get_serial_sequence` given as
    the argument of `nextval` would be looked up again for each key (a
    catalog search per row, about a tenth of the time of writing it)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        sequence = _sequences.get((using, model._meta.db_table))
        if sequence is None:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [model._meta.db_table, model._meta.pk.column],
            )
            (sequence,) = cursor.fetchone()
            _sequences[(using, model._meta.db_table)] = sequence
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [value for (value,) in cursor.fetchall()]


_sequences = {}  # (database alias, table) → the name of its primary key's sequence


def insert_rows(model, rows, raw_connection=None, *, returning_ids=False, using="default"):
    """Write `rows` ({attname: value}, foreign keys already set) into a model's
    table. A column a row leaves out gets the field's default (`now` for
    auto_now fields; database defaults and the identity are left to the
    database).

    `returning_ids`: the new primary keys, in the rows' order (reserved from
    the sequence on PostgreSQL when the rows carry none). `raw_connection`: a
    psycopg connection to COPY through, for a writer thread (Django's wrapper
    is bound to the thread that opened it).
    """
    rows = list(rows)
    if not rows:
        return []
    connection = connections[using]
    if connection.vendor != "postgresql":
        created = model.objects.using(using).bulk_create(
            [model(**row) for row in rows], batch_size=BATCH_SIZE
        )
        return [obj.pk for obj in created] if returning_ids else None
    pk = model._meta.pk.attname
    if returning_ids and pk not in rows[0]:
        rows = [
            {pk: new_id, **row}
            for new_id, row in zip(reserve_ids(model, len(rows), using=using), rows, strict=True)
        ]
    columns = copy_columns(model, rows[0])
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column, _, _ in columns)
    cursor = raw_connection.cursor() if raw_connection else connection.cursor()
    # COPY goes round the wrapper that sends the audit context: send it first,
    # so that the history triggers name who wrote the rows.
    audit.send_to_database(
        cursor,
        local=not (raw_connection.autocommit if raw_connection else connection.get_autocommit()),
    )
    with cursor, cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(attname, default) for _, attname, default in columns])
    return [row[pk] for row in rows] if returning_ids else None


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
