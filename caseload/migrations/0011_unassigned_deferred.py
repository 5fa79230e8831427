"""The stored unassigned queue refreshed once per import batch.

An import batch writes its people, then their pathways, then their
deadlines: three statements whose triggers each refreshed the same people.
While the transaction-local setting `parcours.unassigned_deferred` is on
(`caseload.unassigned.unassigned_deferred`), `caseload_unassigned_refresh`
only notes the people in a temporary table of the session, and
`caseload_unassigned_refresh_pending()` refreshes them once, at the end of
the block, in the same transaction. Nothing on SQLite (no triggers there).
"""

from django.db import migrations

# The refresh of 0010, which notes the people instead while the setting is
# on. `lock_people` is noted with them: people written by the transaction
# itself (the insert of new people) need no lock, nobody else sees them yet.
REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION caseload_unassigned_refresh(ids bigint[], lock_people boolean DEFAULT TRUE)
RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('parcours.unassigned_deferred', TRUE) = 'on' THEN
        INSERT INTO pg_temp.caseload_unassigned_pending (beneficiary_id, lock_people)
        SELECT id, lock_people FROM unnest(ids) AS id;
        RETURN;
    END IF;
    IF lock_people THEN
        PERFORM 1 FROM beneficiaries_beneficiary
          WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    WITH expected AS MATERIALIZED (
        SELECT * FROM caseload_unassigned_expected WHERE beneficiary_id = ANY(ids)
    ), removed AS (
        DELETE FROM caseload_unassigned u
         WHERE u.beneficiary_id = ANY(ids)
           AND u.beneficiary_id NOT IN (SELECT beneficiary_id FROM expected)
    )
    INSERT INTO caseload_unassigned AS u
           (beneficiary_id, territory_id, commune_id, pathway_id, programme, stage,
            next_due_on, next_kind)
    SELECT beneficiary_id, territory_id, commune_id, pathway_id, programme, stage,
           next_due_on, next_kind
      FROM expected
    ON CONFLICT (beneficiary_id) DO UPDATE
       SET territory_id = EXCLUDED.territory_id,
           commune_id = EXCLUDED.commune_id,
           pathway_id = EXCLUDED.pathway_id,
           programme = EXCLUDED.programme,
           stage = EXCLUDED.stage,
           next_due_on = EXCLUDED.next_due_on,
           next_kind = EXCLUDED.next_kind
     WHERE (u.territory_id, u.commune_id, u.pathway_id, u.programme, u.stage,
            u.next_due_on, u.next_kind)
           IS DISTINCT FROM
           (EXCLUDED.territory_id, EXCLUDED.commune_id, EXCLUDED.pathway_id,
            EXCLUDED.programme, EXCLUDED.stage, EXCLUDED.next_due_on, EXCLUDED.next_kind);
END;
$$;
"""

# The setting on for the rest of the transaction, with the session's table
# of people to refresh (created once per session; emptied at each commit).
DEFER_FUNCTION = """
CREATE FUNCTION caseload_unassigned_defer()
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.caseload_unassigned_pending') IS NULL THEN
        CREATE TEMPORARY TABLE caseload_unassigned_pending (
            beneficiary_id bigint NOT NULL,
            lock_people boolean NOT NULL
        ) ON COMMIT DELETE ROWS;
    END IF;
    PERFORM set_config('parcours.unassigned_deferred', 'on', TRUE);
END;
$$;
"""

# The setting off, and the people noted since refreshed once: those the
# triggers asked to lock are locked (in id order, by the refresh of 0010) and
# recomputed, then the people the transaction itself created. No SET clause
# on this function: it would undo the setting turned off here at its exit.
REFRESH_PENDING_FUNCTION = """
CREATE FUNCTION caseload_unassigned_refresh_pending()
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    locked bigint[];
    unlocked bigint[];
BEGIN
    PERFORM set_config('parcours.unassigned_deferred', 'off', TRUE);
    IF to_regclass('pg_temp.caseload_unassigned_pending') IS NULL THEN
        RETURN;
    END IF;
    WITH noted AS (
        DELETE FROM pg_temp.caseload_unassigned_pending RETURNING beneficiary_id, lock_people
    ), people AS (
        SELECT beneficiary_id, bool_and(lock_people) AS lock_people
          FROM noted GROUP BY beneficiary_id
    )
    SELECT array_agg(beneficiary_id ORDER BY beneficiary_id) FILTER (WHERE lock_people),
           array_agg(beneficiary_id ORDER BY beneficiary_id) FILTER (WHERE NOT lock_people)
      INTO locked, unlocked
      FROM people;
    PERFORM caseload_unassigned_refresh(locked, TRUE);
    PERFORM caseload_unassigned_refresh(unlocked, FALSE);
END;
$$;
"""

# 0010's refresh, for the way back.
OLD_REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION caseload_unassigned_refresh(ids bigint[], lock_people boolean DEFAULT TRUE)
RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF lock_people THEN
        PERFORM 1 FROM beneficiaries_beneficiary
          WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    WITH expected AS MATERIALIZED (
        SELECT * FROM caseload_unassigned_expected WHERE beneficiary_id = ANY(ids)
    ), removed AS (
        DELETE FROM caseload_unassigned u
         WHERE u.beneficiary_id = ANY(ids)
           AND u.beneficiary_id NOT IN (SELECT beneficiary_id FROM expected)
    )
    INSERT INTO caseload_unassigned AS u
           (beneficiary_id, territory_id, commune_id, pathway_id, programme, stage,
            next_due_on, next_kind)
    SELECT beneficiary_id, territory_id, commune_id, pathway_id, programme, stage,
           next_due_on, next_kind
      FROM expected
    ON CONFLICT (beneficiary_id) DO UPDATE
       SET territory_id = EXCLUDED.territory_id,
           commune_id = EXCLUDED.commune_id,
           pathway_id = EXCLUDED.pathway_id,
           programme = EXCLUDED.programme,
           stage = EXCLUDED.stage,
           next_due_on = EXCLUDED.next_due_on,
           next_kind = EXCLUDED.next_kind
     WHERE (u.territory_id, u.commune_id, u.pathway_id, u.programme, u.stage,
            u.next_due_on, u.next_kind)
           IS DISTINCT FROM
           (EXCLUDED.territory_id, EXCLUDED.commune_id, EXCLUDED.pathway_id,
            EXCLUDED.programme, EXCLUDED.stage, EXCLUDED.next_due_on, EXCLUDED.next_kind);
END;
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (REFRESH_FUNCTION, DEFER_FUNCTION, REFRESH_PENDING_FUNCTION):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS caseload_unassigned_refresh_pending()")
    schema_editor.execute("DROP FUNCTION IF EXISTS caseload_unassigned_defer()")
    schema_editor.execute(OLD_REFRESH_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0010_unassigned"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
