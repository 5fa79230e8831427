"""Bulk inserts through PostgreSQL COPY, for imports of many rows.

COPY is several times faster than the multi-row INSERT that `bulk_create`
builds in Python, and building no model instance saves as much again. The
primary keys are taken from the table's sequence first (`reserve_ids`), so
the caller knows them, as with `bulk_create`. The callers keep a
`bulk_create` path for other databases (the embedded SQLite mode).

A constraint violation raises IntegrityError and the caller's transaction
rolls back, as with INSERT.
"""

from django.db import connections


def reserve_ids(model, count, *, using="default"):
    """`count` primary keys taken from the table's sequence (PostgreSQL)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


def copy_rows(model, field_names, rows, *, using="default"):
    """COPY plain Python values (ints, strings, dates, None) into a model's
    table, `field_names` naming the columns (attnames: `pathway_id`). The
    fastest path for rows the caller has already checked; no model instance
    is built."""
    connection = connections[using]
    meta = model._meta
    quote = connection.ops.quote_name
    by_attname = {f.attname: f.column for f in meta.concrete_fields}
    columns = ", ".join(quote(by_attname[name]) for name in field_names)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
