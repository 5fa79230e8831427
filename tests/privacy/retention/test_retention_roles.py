"""With the two database roles of a deployment, the retention job runs as the
application role (which may only append to the audit tables) and rewrites
the history of the anonymised person through the owner's connection
(`DATABASE_OWNER_URL`, the `audit_owner` alias): the sanctioned way round
the append-only protection, which stays whole for the application role."""

from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from beneficiaries.models import Beneficiary, RecordAccessLog
from pathways.models import Interview
from privacy import purges
from tests.privacy.retention.conftest import after_contact, travel


def _url(role):
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{role}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def two_roles(transactional_db):
    """The owner and application roles in the test database; the default
    connection logs in as the application role, `audit_owner` as the owner.
    Afterwards, everything back as it was."""
    database = connection.settings_dict["NAME"]
    owner, app = f"{database}_rowner"[:63], f"{database}_rapp"[:63]
    call_command(
        "setup_db_roles", owner_url=_url(owner), app_url=_url(app), admin_url="", verbosity=0
    )
    saved_user = connection.settings_dict["USER"]
    owner_settings = {**connection.settings_dict, "USER": owner, "CONN_MAX_AGE": 0}
    connections.settings[purges.AUDIT_OWNER_ALIAS] = owner_settings
    # Connected here: the test case only lets the aliases it was set up with
    # open a connection lazily.
    connections[purges.AUDIT_OWNER_ALIAS].connect()
    connection.close()
    connection.settings_dict["USER"] = app
    try:
        yield owner, app
    finally:
        connections[purges.AUDIT_OWNER_ALIAS].close()
        del connections[purges.AUDIT_OWNER_ALIAS]
        del connections.settings[purges.AUDIT_OWNER_ALIAS]
        connection.close()
        connection.settings_dict["USER"] = saved_user
        with connection.cursor() as cursor:
            cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
            cursor.execute(f'DROP OWNED BY "{owner}"')
            cursor.execute(f'DROP OWNED BY "{app}"')
            cursor.execute(f'DROP ROLE "{owner}"')
            cursor.execute(f'DROP ROLE "{app}"')
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_job_run_as_the_application_role_anonymises_the_history_through_the_owner(
    seen_person, two_roles, settings
):
    # History kept longer than the record: the anonymisation, not the
    # purge, is what empties it.
    settings.AUDIT_RETENTION_DAYS = 5000
    with travel(after_contact(731)):
        out = StringIO()
        call_command("apply_retention", stdout=out)
    assert out.getvalue().strip().endswith("anonymised: 1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == two_roles[1]
    rows = [
        row
        for model in Beneficiary.pgh_event_models.values()
        for row in model.objects.filter(pgh_obj_id=seen_person.pk)
    ]
    assert len(rows) >= 2
    assert {row.last_name for row in rows} == {"ANONYME"}
    notes = {
        row.notes
        for model in Interview.pgh_event_models.values()
        for row in model.objects.filter(beneficiary_id=seen_person.pk)
    }
    assert notes == {""}


@pytest.mark.django_db(transaction=True)
def test_the_application_role_still_may_not_rewrite_the_history_itself(seen_person, two_roles):
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=two_roles[1],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as app_connection:
        app_connection.execute("SELECT set_config('pgtrigger.ignore', '{}', false)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_connection.execute("UPDATE beneficiaries_beneficiaryhistory SET last_name = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_connection.execute("DELETE FROM beneficiaries_recordaccesslog")
    assert RecordAccessLog.objects.exists()
