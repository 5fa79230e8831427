"""The stored load counter (`caseload.StaffLoad`): the table, the triggers
that keep it exact in the transaction of every write to `caseload_assignment`
(whatever the writer: services, imports, bulk COPY, tests' factories), and the
backfill of the existing active assignments; and the partial index of the
cap overrides in force, which the loads dashboard lists.

PostgreSQL: three statement-level triggers with transition tables (one
grouped write per statement, so a COPY of 100,000 rows costs one upsert per
(staff, programme)). SQLite (the embedded default): row-level triggers.
The assignment table is locked against writes while the triggers are
installed and the counts backfilled, so that no write falls in between.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL_INSTALL = """
LOCK TABLE caseload_assignment IN SHARE MODE;

CREATE FUNCTION caseload_staffload_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The change of active assignments per (staff, programme): +1 for each
    -- active row the statement leaves, -1 for each active row it takes away.
    -- The changed counters are locked first, in key order (as the inserts
    -- lock them), so that two statements never wait on each other in a
    -- cycle; then lowered, then raised (upsert).
    PERFORM 1 FROM caseload_staffload AS load
    JOIN (
        SELECT staff_id, programme
        FROM (
            SELECT staff_id, programme, 1 AS n FROM caseload_staffload_new WHERE ended_at IS NULL
            UNION ALL
            SELECT staff_id, programme, -1 FROM caseload_staffload_old WHERE ended_at IS NULL
        ) AS changes
        GROUP BY staff_id, programme
        HAVING SUM(n) <> 0
    ) AS delta ON load.staff_id = delta.staff_id AND load.programme = delta.programme
    ORDER BY load.staff_id, load.programme
    FOR UPDATE OF load;
    UPDATE caseload_staffload AS load SET active = load.active + delta.n
    FROM (
        SELECT staff_id, programme, SUM(n) AS n
        FROM (
            SELECT staff_id, programme, 1 AS n FROM caseload_staffload_new WHERE ended_at IS NULL
            UNION ALL
            SELECT staff_id, programme, -1 FROM caseload_staffload_old WHERE ended_at IS NULL
        ) AS changes
        GROUP BY staff_id, programme
        HAVING SUM(n) < 0
    ) AS delta
    WHERE load.staff_id = delta.staff_id AND load.programme = delta.programme;
    INSERT INTO caseload_staffload (staff_id, programme, active)
    SELECT staff_id, programme, SUM(n)
    FROM (
        SELECT staff_id, programme, 1 AS n FROM caseload_staffload_new WHERE ended_at IS NULL
        UNION ALL
        SELECT staff_id, programme, -1 FROM caseload_staffload_old WHERE ended_at IS NULL
    ) AS changes
    GROUP BY staff_id, programme
    HAVING SUM(n) > 0
    ORDER BY 1, 2
    ON CONFLICT (staff_id, programme)
    DO UPDATE SET active = caseload_staffload.active + EXCLUDED.active;
    RETURN NULL;
END;
$$;

CREATE FUNCTION caseload_staffload_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO caseload_staffload (staff_id, programme, active)
    SELECT staff_id, programme, COUNT(*) FROM caseload_staffload_new
    WHERE ended_at IS NULL GROUP BY staff_id, programme ORDER BY 1, 2
    ON CONFLICT (staff_id, programme)
    DO UPDATE SET active = caseload_staffload.active + EXCLUDED.active;
    RETURN NULL;
END;
$$;

CREATE FUNCTION caseload_staffload_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM caseload_staffload AS load
    JOIN (
        SELECT DISTINCT staff_id, programme FROM caseload_staffload_old WHERE ended_at IS NULL
    ) AS gone ON load.staff_id = gone.staff_id AND load.programme = gone.programme
    ORDER BY load.staff_id, load.programme
    FOR UPDATE OF load;
    UPDATE caseload_staffload AS load SET active = load.active - gone.n
    FROM (
        SELECT staff_id, programme, COUNT(*) AS n FROM caseload_staffload_old
        WHERE ended_at IS NULL GROUP BY staff_id, programme
    ) AS gone
    WHERE load.staff_id = gone.staff_id AND load.programme = gone.programme;
    RETURN NULL;
END;
$$;

CREATE TRIGGER caseload_staffload_on_insert AFTER INSERT ON caseload_assignment
REFERENCING NEW TABLE AS caseload_staffload_new
FOR EACH STATEMENT EXECUTE FUNCTION caseload_staffload_insert();

CREATE TRIGGER caseload_staffload_on_update AFTER UPDATE ON caseload_assignment
REFERENCING OLD TABLE AS caseload_staffload_old NEW TABLE AS caseload_staffload_new
FOR EACH STATEMENT EXECUTE FUNCTION caseload_staffload_add();

CREATE TRIGGER caseload_staffload_on_delete AFTER DELETE ON caseload_assignment
REFERENCING OLD TABLE AS caseload_staffload_old
FOR EACH STATEMENT EXECUTE FUNCTION caseload_staffload_delete();
"""

POSTGRESQL_UNINSTALL = """
DROP TRIGGER IF EXISTS caseload_staffload_on_insert ON caseload_assignment;
DROP TRIGGER IF EXISTS caseload_staffload_on_update ON caseload_assignment;
DROP TRIGGER IF EXISTS caseload_staffload_on_delete ON caseload_assignment;
DROP FUNCTION IF EXISTS caseload_staffload_add();
DROP FUNCTION IF EXISTS caseload_staffload_insert();
DROP FUNCTION IF EXISTS caseload_staffload_delete();
"""

SQLITE_INSTALL = [
    """
    CREATE TRIGGER caseload_staffload_on_insert AFTER INSERT ON caseload_assignment
    WHEN NEW.ended_at IS NULL
    BEGIN
        INSERT INTO caseload_staffload (staff_id, programme, active)
        VALUES (NEW.staff_id, NEW.programme, 1)
        ON CONFLICT (staff_id, programme) DO UPDATE SET active = active + 1;
    END
    """,
    """
    CREATE TRIGGER caseload_staffload_on_update_old AFTER UPDATE ON caseload_assignment
    WHEN OLD.ended_at IS NULL
    BEGIN
        UPDATE caseload_staffload SET active = active - 1
        WHERE staff_id = OLD.staff_id AND programme = OLD.programme;
    END
    """,
    """
    CREATE TRIGGER caseload_staffload_on_update_new AFTER UPDATE ON caseload_assignment
    WHEN NEW.ended_at IS NULL
    BEGIN
        INSERT INTO caseload_staffload (staff_id, programme, active)
        VALUES (NEW.staff_id, NEW.programme, 1)
        ON CONFLICT (staff_id, programme) DO UPDATE SET active = active + 1;
    END
    """,
    """
    CREATE TRIGGER caseload_staffload_on_delete AFTER DELETE ON caseload_assignment
    WHEN OLD.ended_at IS NULL
    BEGIN
        UPDATE caseload_staffload SET active = active - 1
        WHERE staff_id = OLD.staff_id AND programme = OLD.programme;
    END
    """,
]

SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS caseload_staffload_on_{name}"
    for name in ("insert", "update_old", "update_new", "delete")
]

BACKFILL = """
INSERT INTO caseload_staffload (staff_id, programme, active)
SELECT staff_id, programme, COUNT(*) FROM caseload_assignment
WHERE ended_at IS NULL GROUP BY staff_id, programme
"""


def install(apps, schema_editor):
    cursor = schema_editor.connection.cursor()
    if schema_editor.connection.vendor == "postgresql":
        cursor.execute(POSTGRESQL_INSTALL)
    else:
        for statement in SQLITE_INSTALL:
            cursor.execute(statement)
    cursor.execute(BACKFILL)


def uninstall(apps, schema_editor):
    cursor = schema_editor.connection.cursor()
    if schema_editor.connection.vendor == "postgresql":
        cursor.execute(POSTGRESQL_UNINSTALL)
    else:
        for statement in SQLITE_UNINSTALL:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0008_assignment_assignment_by_staff_period"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaffLoad",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "programme",
                    models.CharField(
                        choices=[
                            ("droit_commun", "Droit commun"),
                            ("france_travail_renforce", "France Travail renforcé"),
                            ("accompagnement_global", "Accompagnement global"),
                        ],
                        max_length=30,
                        verbose_name="dispositif",
                    ),
                ),
                ("active", models.IntegerField(default=0, verbose_name="personnes suivies")),
                (
                    "staff",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="loads",
                        to="caseload.staffprofile",
                        verbose_name="professionnel",
                    ),
                ),
            ],
            options={
                "verbose_name": "charge d'un professionnel",
                "verbose_name_plural": "charges des professionnels",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("staff", "programme"), name="staff_load_unique_programme"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("active__gte", 0)),
                        name="staff_load_active_not_negative",
                        violation_error_message="Une charge ne peut être négative.",
                    ),
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(
                    ("ended_at__isnull", True), models.Q(("over_cap_reason", ""), _negated=True)
                ),
                fields=["-started_at", "-id"],
                name="assignment_active_overrides",
            ),
        ),
    ]
