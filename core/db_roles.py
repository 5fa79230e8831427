"""The two PostgreSQL roles of a deployment, and what each may do.

- The owner role runs the migrations and owns every table, sequence and
  trigger function. Only an owner (or a superuser) can ALTER a table, disable
  its triggers or TRUNCATE it.
- The application role (the web server, the workers) owns nothing: it reads
  and writes the application's tables, but on the audit tables (the access log
  and the change history) it may only INSERT and SELECT. It is no superuser,
  so it cannot `SET session_replication_role` either: the history triggers
  always fire and nothing it runs can rewrite the trail.

`setup_db_roles` creates both roles (idempotent); `migrate`, run as the
owner, grants the application role its rights on the tables it creates.
"""

import environ
from django.apps import apps
from psycopg import sql

# Rights of the application role on the audit tables: nothing else.
AUDIT_PRIVILEGES = "SELECT, INSERT"


def parse_url(url):
    """The NAME, USER, PASSWORD, HOST, PORT of a database URL."""
    return environ.Env.db_url_config(url)


def audit_tables():
    """The tables only ever appended to: the access log, every history (event)
    table of django-pghistory and its context table."""
    from pghistory.models import Context, Event

    tables = {Context._meta.db_table}
    for model in apps.get_models():
        audited = getattr(model, "audit_append_only", False) or issubclass(model, Event)
        if audited and model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def _run(cursor, statement):
    """Execute a composed statement through a psycopg or a Django cursor."""
    cursor.execute(statement.as_string(None))


def _role_exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    return cursor.fetchone() is not None


def ensure_role(cursor, name, password):
    """Create a login role, or bring an existing one back to these attributes
    (no superuser, no role or database creation, no RLS bypass)."""
    verb = "ALTER" if _role_exists(cursor, name) else "CREATE"
    statement = sql.SQL(
        "{verb} ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    ).format(verb=sql.SQL(verb), name=sql.Identifier(name))
    if password:
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    _run(cursor, statement)


def transfer_ownership(cursor, owner):
    """Give the owner role every table, sequence, view and function of the
    public schema (a database first migrated by another role)."""
    cursor.execute(
        """
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> %s
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        """,
        [owner],
    )
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for name, kind in cursor.fetchall():
        _run(
            cursor,
            sql.SQL("ALTER {} {} OWNER TO {}").format(
                sql.SQL(kinds[kind]), sql.Identifier(name), sql.Identifier(owner)
            ),
        )
    cursor.execute(
        """
        SELECT p.oid::regprocedure::text FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %s
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        """,
        [owner],
    )
    for (signature,) in cursor.fetchall():
        _run(
            cursor,
            sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(
                sql.SQL(signature), sql.Identifier(owner)
            ),
        )


def grant_app_rights(cursor, app):
    """The application role's rights on what exists now: read and write the
    application's tables, only INSERT and SELECT the audit tables. Run by the
    owner (after each migration) or a superuser; idempotent."""
    role = sql.Identifier(app)
    _run(cursor, sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
    _run(
        cursor,
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            role
        ),
    )
    _run(
        cursor, sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role)
    )
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s)",
        [audit_tables()],
    )
    for (table,) in cursor.fetchall():
        _run(
            cursor,
            sql.SQL("REVOKE ALL ON TABLE {} FROM {}, PUBLIC").format(sql.Identifier(table), role),
        )
        _run(
            cursor,
            sql.SQL("GRANT {} ON TABLE {} TO {}").format(
                sql.SQL(AUDIT_PRIVILEGES), sql.Identifier(table), role
            ),
        )


def setup(cursor, *, database, owner, owner_password, app, app_password):
    """Everything `setup_db_roles` does, through a superuser's cursor."""
    if owner == app:
        raise ValueError("owner and application roles must differ")
    ensure_role(cursor, owner, owner_password)
    ensure_role(cursor, app, app_password)
    db = sql.Identifier(database)
    _run(cursor, sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    _run(
        cursor,
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}, {}").format(
            db, sql.Identifier(owner), sql.Identifier(app)
        ),
    )
    _run(
        cursor, sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(owner))
    )
    transfer_ownership(cursor, owner)
    grant_app_rights(cursor, app)
    # Tables the owner creates later start with the application's usual rights;
    # `migrate` then narrows those of new audit tables (grant_app_rights).
    _run(
        cursor,
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(sql.Identifier(owner), sql.Identifier(app)),
    )
    _run(
        cursor,
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(sql.Identifier(owner), sql.Identifier(app)),
    )
