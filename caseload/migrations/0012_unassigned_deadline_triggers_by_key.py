"""The triggers of the unassigned queue on deadlines find each deadline's
person by its pathway's key.

Written as `pathway.id IN (the deadlines' pathways)`, the lookup let the
planner read every pathway when the statistics predate the rows a
transaction has just written (an import; PostgreSQL without autovacuum):
writing an import batch's deadlines cost more with each batch. A scalar
subquery per distinct pathway probes the primary key whatever the
statistics say. Same people refreshed as before; nothing on SQLite.
"""

from django.db import migrations

PERSON_OF = "(SELECT p.beneficiary_id FROM pathways_pathway p WHERE p.id = t.pathway_id)"

# (event, the pathways the statement touched), as in 0010.
PATHWAYS = {
    "INSERT": "SELECT DISTINCT pathway_id FROM new_rows",
    "DELETE": "SELECT DISTINCT pathway_id FROM old_rows",
    "UPDATE": """SELECT n.pathway_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE (n.pathway_id, n.kind, n.due_on, n.met_on, n.cancelled_on)
                        IS DISTINCT FROM (o.pathway_id, o.kind, o.due_on, o.met_on, o.cancelled_on)
                 UNION
                 SELECT o.pathway_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE n.pathway_id IS DISTINCT FROM o.pathway_id""",
}

# 0010's people, for the way back.
OLD_PEOPLE = {
    "INSERT": """SELECT p.beneficiary_id FROM pathways_pathway p
            WHERE p.id IN (SELECT pathway_id FROM new_rows)""",
    "DELETE": """SELECT p.beneficiary_id FROM pathways_pathway p
            WHERE p.id IN (SELECT pathway_id FROM old_rows)""",
    "UPDATE": """SELECT p.beneficiary_id FROM pathways_pathway p
            WHERE p.id IN (
                  SELECT n.pathway_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                   WHERE (n.pathway_id, n.kind, n.due_on, n.met_on, n.cancelled_on)
                         IS DISTINCT FROM (o.pathway_id, o.kind, o.due_on, o.met_on, o.cancelled_on)
                  UNION
                  SELECT o.pathway_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                   WHERE n.pathway_id IS DISTINCT FROM o.pathway_id)""",
}


def _function_sql(event, people):
    return f"""
CREATE OR REPLACE FUNCTION caseload_unassigned_on_pathways_deadline_{event.lower()}()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM caseload_unassigned_refresh(
        ARRAY(SELECT DISTINCT x FROM ({people}) AS touched(x) WHERE x IS NOT NULL),
        TRUE
    );
    RETURN NULL;
END;
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event, pathways in PATHWAYS.items():
        schema_editor.execute(
            _function_sql(event, f"SELECT {PERSON_OF} FROM ({pathways}) AS t(pathway_id)")
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event, people in OLD_PEOPLE.items():
        schema_editor.execute(_function_sql(event, people))


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0011_unassigned_deferred"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
