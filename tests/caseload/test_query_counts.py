"""The console's pages keep a constant number of SQL queries whatever the
data size (measured at two sizes, pinned)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.enums import Programme
from caseload.models import Assignment, ReferentChangeRequest
from caseload.services import assignment_create, binome_create, binome_enrol
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.bulk import bulk_people, bulk_staff
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team

# Each count includes the manager's verified second factor (one query) and
# the scope (one query: profile, Département and territories together).
# The dashboard: session, user, second factor, scope, staff, stored loads,
# caps, pending requests, binômes, overrides.
DASHBOARD_QUERIES = 10
# The queue reads the territories, communes and tags of its filters (three
# queries). The queue, person and staff pages each write one access row (one INSERT).
# The person page reads the objections and restrictions that hold (one).
# The queue: its total and its page's due-date bound on the stored queue's
# index, its page, the pool's four
# column reads, the past referents, the latest orientations, the suggested
# staff with the loads panel, the bulk select's options (four columns).
QUEUE_QUERIES = 19
# With a filter on the people (search, commune, deadline, orientation, tag):
# the total comes with the page, in the same query, and no bound is read.
QUEUE_QUERIES_FILTERED = QUEUE_QUERIES - 2
# The person page reads the referents of the stage as four columns for its
# selects, and the model objects of the five suggested ones.
PERSON_QUERIES = 22
STAFF_QUERIES = 10


def _populate(territory, manager, referent, size):
    departement = territory.departement
    staff = [referent]
    for index in range(size):
        role = ["sociopro_referent", "social_worker", "job_consultant"][index % 3]
        staff.append(
            StaffProfileFactory(role=role, structure=manager.structure, territories=[territory])
        )
    people = BeneficiaryFactory.create_batch(size * 2, departement=departement, territory=territory)
    Assignment.objects.bulk_create(
        [
            Assignment(
                beneficiary=person,
                staff=staff[index % len(staff)],
                programme=list(Programme)[index % 3],
                over_cap_reason="Urgence" if index % 5 == 0 else "",
            )
            for index, person in enumerate(people)
        ]
    )
    for _index in range(max(1, size // 5)):
        advisor = StaffProfileFactory(
            pe_advisor=True, structure__departement=departement, territories=[territory]
        )
        worker = StaffProfileFactory(
            social_worker=True, structure=manager.structure, territories=[territory]
        )
        binome = binome_create(pe_advisor=advisor, social_worker=worker)
        binome_enrol(
            beneficiary=new_applicant(territory),
            binome=binome,
            acting_user=manager.user,
            advisor_agrees=True,
            social_worker_agrees=True,
        )
    for index in range(size):
        new_applicant(territory, days_ago=index)
    ReferentChangeRequest.objects.create(
        beneficiary=people[0], requested_by=referent.user, reason="Étape"
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [("console:team", DASHBOARD_QUERIES), ("console:queue", QUEUE_QUERIES)],
)
def test_console_list_pages_are_constant(login, url_name, expected):
    counts = []
    for size in (3, 30):
        territory, manager, referent = territory_team()
        _populate(territory, manager, referent, size)
        counts.append(_count(login(manager), reverse(url_name)))
    assert counts == [expected, expected]


def test_person_and_staff_pages_are_constant(login):
    counts = []
    for size in (3, 30):
        territory, manager, referent = territory_team()
        _populate(territory, manager, referent, size)
        person = new_applicant(territory)
        assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
        client = login(manager)
        counts.append(
            (
                _count(client, reverse("console:person", args=[person.pk])),
                _count(client, reverse("console:staff", args=[referent.pk])),
            )
        )
    assert counts == [(PERSON_QUERIES, STAFF_QUERIES)] * 2


def test_dashboard_is_constant_from_10_to_1000_staff(login):
    counts = []
    for size in (10, 1000):
        territory, manager, _referent = territory_team()
        staff = bulk_staff(structure=manager.structure, territory=territory, count=size)
        bulk_people(territory=territory, staff=staff, count=size * 2)
        counts.append(_count(login(manager), reverse("console:team")))
    assert counts == [DASHBOARD_QUERIES, DASHBOARD_QUERIES]


# Confirming a balancing plan (the POST; its redirect not followed): session,
# user, second factor, scope, the people, the staff, the open pathways'
# programmes, the staff rows' lock, the people's active follow-ups (read once
# for the three checks), the stored loads, the caps, the database's clock for
# the batch's start (the insert is then one UNNEST), the insert and its
# savepoint (each statement with pghistory's context: six), the access rows.
BALANCE_CONFIRM_QUERIES = 19


def test_confirming_a_balancing_plan_runs_the_same_queries_for_3_and_30_people(login):
    counts = []
    for size in (3, 30):
        territory, manager, _referent = territory_team()
        staff = [
            StaffProfileFactory(structure=manager.structure, territories=[territory])
            for _ in range(3)
        ]
        people = [new_applicant(territory, days_ago=index) for index in range(size)]
        plan = [f"{person.pk}:{staff[i % 3].pk}" for i, person in enumerate(people)]
        client = login(manager)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("console:balance_confirm"), {"plan": plan})
        assert response.status_code == 302
        assert Assignment.objects.active().filter(beneficiary__in=people).count() == size
        counts.append(len(queries))
    assert counts == [BALANCE_CONFIRM_QUERIES] * 2
