"""The manager's list of the records to be anonymised within the month, and
the legal hold that keeps one."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, RecordAccessLog
from privacy.models import LegalHold
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory, TerritoryFactory
from tests.privacy.retention.conftest import CONTACT_DAY, after_contact, at_noon, travel

URL = reverse("retention:due_soon")
# Session, user, the scope (staff profile and territories, one query), the
# verified second factor, the notification bell, the count, the page, the
# access row.
PAGE_QUERIES = 7


def last_seen(territory, day=CONTACT_DAY, **fields):
    person = BeneficiaryFactory(territory=territory, departement=territory.departement, **fields)
    Beneficiary.objects.filter(pk=person.pk).update(
        last_contact_at=at_noon(day), created_at=at_noon(day - datetime.timedelta(days=90))
    )
    return person


@pytest.fixture(autouse=True)
def three_weeks_before_the_due_day():
    """The clock frozen 710 days after CONTACT_DAY for the whole test (the
    logins included: a session opened before a jump in time would expire)."""
    with travel(after_contact(710)):
        yield


@pytest.fixture
def territory():
    return TerritoryFactory(name="Montargis")


@pytest.fixture
def manager(territory):
    return StaffProfileFactory(
        manager=True, structure__departement=territory.departement, territories=[territory]
    )


@pytest.fixture
def manager_client(login, manager):
    return login(manager)


def test_the_manager_sees_the_people_of_their_territory_due_within_the_month(
    manager_client, territory
):
    due = last_seen(territory, last_name="Carpentier")
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert [row["person"].pk for row in response.context["rows"]] == [due.pk]
    assert response.context["rows"][0]["on"] == after_contact(730)
    assert "CARPENTIER" in response.content.decode()


def test_people_of_another_territory_are_invisible(manager_client, territory):
    elsewhere = TerritoryFactory(departement=territory.departement, name="Gien")
    last_seen(elsewhere, last_name="Lointain")
    response = manager_client.get(URL)
    assert response.context["rows"] == []
    assert "LOINTAIN" not in response.content.decode()


def test_people_due_in_more_than_a_month_are_not_listed(manager_client, territory):
    last_seen(territory)
    with travel(after_contact(690)):
        assert manager_client.get(URL).context["rows"] == []


def test_a_person_with_an_open_pathway_is_not_listed(manager_client, territory):
    from tests.pathways.factories import PathwayFactory

    PathwayFactory(beneficiary=last_seen(territory))
    assert manager_client.get(URL).context["rows"] == []


def test_a_referent_may_not_see_the_list(login, territory):
    referent = StaffProfileFactory(
        structure__departement=territory.departement, territories=[territory]
    )
    assert login(referent).get(URL).status_code == 403


def test_the_list_is_in_the_managers_navigation(manager_client):
    assert URL in manager_client.get(reverse("console:overdue")).content.decode()


def test_the_list_is_traced_in_the_access_log_without_names(manager_client, manager, territory):
    last_seen(territory)
    manager_client.get(URL)
    row = RecordAccessLog.objects.get(user=manager.user, action=AccessAction.LIST)
    assert row.row_count == 1


@pytest.mark.parametrize("people", [1, 6])
def test_the_page_runs_the_same_number_of_queries_whatever_the_number_of_people(
    manager_client, territory, django_assert_num_queries, people
):
    for _index in range(people):
        last_seen(territory)
    with django_assert_num_queries(PAGE_QUERIES):
        response = manager_client.get(URL)
    assert len(response.context["rows"]) == people


def test_a_manager_records_a_legal_hold_with_its_reason(manager_client, manager, territory):
    person = last_seen(territory)
    response = manager_client.post(
        reverse("retention:hold", args=[person.pk]),
        {"reason": "Recours contentieux en cours", "until": after_contact(1100).isoformat()},
    )
    assert response.status_code == 302
    assert manager_client.get(URL).context["rows"] == []
    hold = LegalHold.objects.get(beneficiary=person)
    assert (hold.reason, hold.until, hold.created_by) == (
        "Recours contentieux en cours",
        after_contact(1100),
        manager.user,
    )
    assert RecordAccessLog.objects.filter(
        beneficiary=person, user=manager.user, action=AccessAction.CHANGE, detail="conservation"
    ).exists()
    assert hold.pgh_history.filter(pgh_label="insert").count() == 1


def test_a_legal_hold_without_reason_is_refused(manager_client, territory):
    person = last_seen(territory)
    response = manager_client.post(
        reverse("retention:hold", args=[person.pk]),
        {"reason": "", "until": after_contact(1100).isoformat()},
    )
    assert response.status_code == 400
    assert not LegalHold.objects.exists()


def test_a_legal_hold_ending_in_the_past_is_refused(manager_client, territory):
    person = last_seen(territory)
    response = manager_client.post(
        reverse("retention:hold", args=[person.pk]),
        {"reason": "Contentieux", "until": after_contact(700).isoformat()},
    )
    assert response.status_code == 400
    assert "doit être postérieure" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_manager_may_not_hold_the_record_of_another_territory(manager_client, territory):
    elsewhere = TerritoryFactory(departement=territory.departement, name="Gien")
    person = last_seen(elsewhere)
    response = manager_client.post(
        reverse("retention:hold", args=[person.pk]),
        {"reason": "Contentieux", "until": after_contact(1100).isoformat()},
    )
    assert response.status_code == 404
    assert not LegalHold.objects.exists()
