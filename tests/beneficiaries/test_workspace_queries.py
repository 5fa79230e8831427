"""Query counts of the portfolio (with filters) and the record page, pinned and
measured at two data sizes: they do not grow with the data."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.enums import BarrierKind, BarrierState
from beneficiaries.models import HealthNote
from beneficiaries.services import outreach_attempt_create
from pathways.enums import InterviewKind
from pathways.services.followup import contract_create, interview_create
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.workspace import offer_for, person_followed_by

TODAY = datetime.date.today()

# session + user + scope + the Département's tags (the filter) + people count
# + people page + the week's deadlines + the list's access row
PORTFOLIO_QUERIES = 8
# session/user (2) + scope + person + pathways (4) + assignments + change requests
# (with the reader's own and their decisions)
# + barriers + contracts (2) + prescriptions + interviews (4) + outreach + health notes
# + partner + access log (+ savepoint pair) + the referents who opened it + the objections and restrictions that hold
# + the person's tags
RECORD_QUERIES = 26


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _portfolio(size):
    staff = StaffProfileFactory(social_worker=True)
    offer = offer_for(staff)
    for index in range(size):
        # every filter below finds someone at both sizes (an empty page saves a query)
        days_ago = (20, 14, 0, 7, 2)[index % 5]
        person = person_followed_by(staff, last_name=f"Nom{index}", days_ago=days_ago)
        if index % 5 in (2, 3):
            interview_create(
                acting_user=staff.user,
                beneficiary=person,
                occurred_on=TODAY,
                kind=InterviewKind.INDIVIDUAL,
                barrier_changes={BarrierKind.HOUSING: BarrierState.IDENTIFIED},
                prescriptions=[{"offer": offer, "hours_per_week": Decimal("5")}],
            )
    return staff


FILTERS = [
    {},
    {"q": "nom"},
    {"q": "300"},
    {"stage": "pending", "programme": "droit_commun"},
    {"deadline": "overdue"},
    {"barrier": "housing", "deadline": "entry_met"},
    {"deadline": "due_soon", "no_interview_days": "30"},
    {"q": "nom", "deadline": "entry_met", "page": "2"},
]


def test_portfolio_query_count_is_constant(login):
    small, large = _portfolio(5), _portfolio(200)
    url = reverse("workspace:portfolio")
    counts = {
        str(params): (_count(login(small), url, params), _count(login(large), url, params))
        for params in FILTERS
    }
    assert counts == {str(params): (PORTFOLIO_QUERIES,) * 2 for params in FILTERS}


def _person_with_history(interviews):
    staff = StaffProfileFactory(social_worker=True)
    person = person_followed_by(staff)
    AssignmentFactory(beneficiary=person)
    kinds = list(BarrierKind.values)
    for index in range(interviews):
        # One action per interview: an action is active once per person.
        offer = offer_for(staff, title=f"Atelier {index}")
        interview_create(
            acting_user=staff.user,
            beneficiary=person,
            occurred_on=TODAY - datetime.timedelta(days=index),
            kind=InterviewKind.INDIVIDUAL,
            attendees=[staff],
            notes=f"Entretien {index}",
            barrier_changes={kinds[index % len(kinds)]: BarrierState.IDENTIFIED},
            prescriptions=[{"offer": offer, "hours_per_week": Decimal("1")}],
        )
        outreach_attempt_create(
            acting_user=staff.user,
            beneficiary=person,
            channel="phone",
            result="reached",
            attempted_on=TODAY,
        )
        HealthNote.objects.create(beneficiary=person, text="note", author=staff.user)
    for _index in range(2):
        contract_create(
            acting_user=staff.user,
            beneficiary=person,
            signed_on=TODAY,
            review_on=TODAY,
            weekly_hours=15,
            objectives=[("Objectif", "open"), ("Autre", "achieved")],
        )
    return staff, person


def test_record_query_count_is_constant(login):
    counts = []
    for size in (2, 60):
        staff, person = _person_with_history(size)
        counts.append(_count(login(staff), person.get_absolute_url()))
    assert counts == [RECORD_QUERIES, RECORD_QUERIES]
