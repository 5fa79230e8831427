"""The audit trail against the application's own database role: what it runs
cannot rewrite, empty or bypass the access log and the change history.

The roles are created in the test database by `setup_db_roles`, then a
second connection logs in as the application role."""

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from pghistory.models import Events

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from core import db_roles
from tests.beneficiaries.factories import BeneficiaryFactory

AUDIT_TABLES = ["beneficiaries_recordaccesslog", "beneficiaries_beneficiaryhistory"]


def _url(role):
    settings = connection.settings_dict
    return f"postgres://{role}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture(scope="module")
def roles(django_db_setup, django_db_blocker):
    """The two roles in the test database, and one committed person with an
    access row (the application's connection must see them). Set up once for
    the module, then every table is emptied and the roles dropped."""
    database = connection.settings_dict["NAME"]
    owner, app = f"{database}_owner"[:63], f"{database}_app"[:63]
    with django_db_blocker.unblock():
        call_command(
            "setup_db_roles", owner_url=_url(owner), app_url=_url(app), admin_url="", verbosity=0
        )
        person = BeneficiaryFactory(last_name="Martin", first_name="Anne")
        RecordAccessLog.objects.create(
            beneficiary=person, action=AccessAction.READ, detail="fiche", command="test"
        )
        try:
            yield owner, app, person
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
                # One role per statement: PostgreSQL trips over a default ACL
                # shared by both roles when they are dropped together.
                cursor.execute(f'DROP OWNED BY "{owner}"')
                cursor.execute(f'DROP OWNED BY "{app}"')
                cursor.execute(f'DROP ROLE "{owner}"')
                cursor.execute(f'DROP ROLE "{app}"')
            call_command("flush", interactive=False, verbosity=0)
            # A fresh server process for the next tests (its caches knew the roles).
            connection.close()


@pytest.fixture
def logged_person(roles):
    return roles[2]


@pytest.fixture
def as_app(roles):
    """A psycopg connection as the application role (autocommit)."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=roles[1],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as app_connection:
        yield app_connection


def _refused(app_connection, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_connection.execute(statement)


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_application_role_cannot_update_an_audit_table(as_app, logged_person, table):
    column = "detail" if table.endswith("recordaccesslog") else "last_name"
    _refused(as_app, f"UPDATE {table} SET {column} = 'effacé'")


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_application_role_cannot_delete_from_an_audit_table(as_app, logged_person, table):
    _refused(as_app, f"DELETE FROM {table}")


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_application_role_cannot_truncate_an_audit_table(as_app, logged_person, table):
    _refused(as_app, f"TRUNCATE {table}")


def test_the_application_role_cannot_switch_triggers_off_for_its_session(as_app):
    _refused(as_app, "SET session_replication_role = replica")


@pytest.mark.parametrize("table", [*AUDIT_TABLES, "beneficiaries_beneficiary"])
def test_the_application_role_cannot_disable_a_trigger(as_app, table):
    _refused(as_app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")


def test_the_application_role_can_append_to_the_access_log_and_read_it(as_app, logged_person):
    as_app.execute(
        "INSERT INTO beneficiaries_recordaccesslog (beneficiary_id, action, detail, command, at)"
        " VALUES (%s, 'read', 'fiche', 'test', now())",
        [logged_person.pk],
    )
    count = as_app.execute(
        "SELECT count(*) FROM beneficiaries_recordaccesslog WHERE beneficiary_id = %s",
        [logged_person.pk],
    ).fetchone()[0]
    assert count >= 2


def test_the_application_role_owns_no_table(roles):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [roles[1]])
        assert cursor.fetchone()[0] == 0


def test_a_raw_sql_update_of_a_person_shows_in_the_history_with_old_and_new_values(
    as_app, logged_person
):
    as_app.execute(
        "UPDATE beneficiaries_beneficiary SET last_name = 'Durand' WHERE id = %s",
        [logged_person.pk],
    )
    diffs = [
        event.pgh_diff for event in Events.objects.tracks(logged_person).filter(pgh_label="update")
    ]
    assert {"last_name": ["Martin", "Durand"]} in diffs


def test_a_raw_sql_update_carries_the_context_the_application_sent(as_app, logged_person):
    with as_app.transaction():
        as_app.execute(
            "SELECT set_config('pghistory.context_metadata', %s, true)",
            ['{"command": "script", "request_id": "r-1"}'],
        )
        as_app.execute(
            "UPDATE beneficiaries_beneficiary SET first_name = 'Léa' WHERE id = %s",
            [logged_person.pk],
        )
    history = apps.get_model("beneficiaries", "BeneficiaryHistory")
    event = history.objects.filter(pgh_obj=logged_person, pgh_label="update").last()
    assert event.pgh_context["command"] == "script"


def test_setting_up_the_roles_twice_changes_nothing(roles):
    owner, app, _person = roles
    call_command("setup_db_roles", owner_url=_url(owner), app_url=_url(app), admin_url="")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = %s ORDER BY 1",
            [app, "beneficiaries_recordaccesslog"],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]


def test_every_history_table_is_an_audit_table():
    tables = db_roles.audit_tables()
    assert {
        "beneficiaries_beneficiaryhistory",
        "core_userhistory",
        "caseload_assignmenthistory",
    } <= set(tables)
