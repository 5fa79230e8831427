"""The access log: one row for every page, fragment and action that shows a
person, a row with filters and count for lists; the record says which of the
person's referents opened it; an admin reads a person's whole audit trail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from tests.caseload.factories import StaffProfileFactory


def rows_for(person):
    return list(RecordAccessLog.objects.filter(beneficiary_id=person.pk))


def test_opening_a_record_writes_exactly_one_access_row(login, record):
    person, staff = record
    login(staff["social_worker"]).get(person.get_absolute_url())

    (row,) = rows_for(person)
    assert (row.user_id, row.action, row.detail) == (
        staff["social_worker"].user_id,
        AccessAction.READ,
        "fiche",
    )


def test_an_access_row_carries_the_request_id_and_the_address(login, record):
    person, staff = record
    response = login(staff["manager"]).get(person.get_absolute_url())

    (row,) = rows_for(person)
    assert str(row.request_id) == response.headers["X-Request-ID"]
    assert row.ip_address == "127.0.0.1"


def test_opening_an_edit_form_is_traced(login, record):
    person, staff = record
    login(staff["sociopro_referent"]).get(reverse("workspace:contact_edit", args=[person.pk]))

    assert [row.detail for row in rows_for(person)] == ["formulaire contact_form"]


def test_the_managers_person_page_is_traced(login, record):
    person, staff = record
    login(staff["manager"]).get(reverse("console:person", args=[person.pk]))

    assert [row.detail for row in rows_for(person)] == ["console : fiche"]


def test_the_queue_writes_one_list_row_with_its_filters_and_count_but_not_the_search(login, record):
    person, staff = record
    login(staff["manager"]).get(reverse("console:queue"), {"q": person.last_name})

    row = RecordAccessLog.objects.get(action=AccessAction.LIST)
    assert row.beneficiary_id is None
    assert row.row_count == 0
    assert person.last_name not in row.detail
    assert "search=…" in row.detail


def test_the_portfolio_writes_one_list_row_with_its_count(login, record):
    _person, staff = record
    login(staff["nurse"]).get(reverse("workspace:portfolio"))

    row = RecordAccessLog.objects.get(action=AccessAction.LIST)
    assert (row.user_id, row.row_count) == (staff["nurse"].user_id, 1)


def test_the_record_names_the_referents_who_opened_it(login, record):
    person, staff = record
    login(staff["nurse"]).get(person.get_absolute_url())

    page = login(staff["social_worker"]).get(person.get_absolute_url()).content.decode()

    assert "Qui a consulté ce dossier" in page
    assert staff["nurse"].user.get_full_name() in page


def test_the_record_does_not_list_readers_who_are_not_referents(login, record):
    person, staff = record
    login(staff["manager"]).get(person.get_absolute_url())

    page = login(staff["social_worker"]).get(person.get_absolute_url()).content.decode()

    assert staff["manager"].user.get_full_name() not in page


def test_an_admin_reads_a_persons_access_and_change_history_with_old_and_new_values(login, record):
    person, staff = record
    login(staff["nurse"]).get(person.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE beneficiaries_beneficiary SET city = 'Ailleurs' WHERE id = %s", [person.pk]
        )

    response = login(staff["admin"]).get(reverse("audit:person_history", args=[person.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert staff["nurse"].user.get_full_name() in page
    assert "→ Ailleurs" in page


def test_the_admins_history_page_is_itself_traced(login, record):
    person, staff = record
    login(staff["admin"]).get(reverse("audit:person_history", args=[person.pk]))

    assert [row.detail for row in rows_for(person)] == ["historique d'audit"]


@pytest.mark.parametrize("who", ["manager", "social_worker"])
def test_only_admins_open_a_persons_audit_history(login, record, who):
    person, staff = record
    response = login(staff[who]).get(reverse("audit:person_history", args=[person.pk]))

    assert response.status_code == 403


def test_an_admin_of_another_departement_gets_a_404_for_the_history(login, record):
    person, _staff = record
    outsider = StaffProfileFactory(admin=True)

    response = login(outsider).get(reverse("audit:person_history", args=[person.pk]))

    assert response.status_code == 404


def test_the_history_page_runs_the_same_queries_whatever_the_history_size(login, record):
    person, staff = record

    def change_and_read(rounds):
        for number in range(rounds):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE beneficiaries_beneficiary SET city = %s WHERE id = %s",
                    [f"Ville {number}", person.pk],
                )
            login(staff["nurse"]).get(person.get_absolute_url())

    change_and_read(1)
    small = _count_queries(login(staff["admin"]), person)
    change_and_read(60)

    assert _count_queries(login(staff["admin"]), person) == small


def _count_queries(client, person):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("audit:person_history", args=[person.pk])).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("who", "shown"), [("admin", True), ("manager", False)])
def test_the_console_person_page_links_the_history_for_admins_only(login, record, who, shown):
    person, staff = record
    response = login(staff[who]).get(reverse("console:person", args=[person.pk]))

    history = reverse("audit:person_history", args=[person.pk])
    assert (history in response.content.decode()) is shown
