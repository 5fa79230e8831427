"""Dates entered on the record stay within their ranges: a date that could
not be read back (year 1) is refused by the form and by the database, so the
record never answers 500; the interview list takes any offset."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, OutreachAttempt
from pathways.enums import InterviewKind
from pathways.models import Contract, Interview, Prescription
from pathways.services.followup import interview_create
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import offer_for, person_followed_by

TODAY = datetime.date.today()
HTMX = {"HTTP_HX_REQUEST": "true"}
YEAR_ONE = "0001-01-01T00:00"


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=2)


def _text(response):
    return response.content.decode().replace("&#x27;", "'")


def _interview_post(**overrides):
    data = {
        "occurred_on": TODAY.isoformat(),
        "kind": "individual",
        "status": "held",
        "notes": "Point d'étape",
        "prescriptions-TOTAL_FORMS": "0",
        "prescriptions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _record_pages(client, person, interview=None):
    urls = [
        reverse("workspace:detail", args=[person.pk]),
        reverse("workspace:interview_list", args=[person.pk]),
    ]
    if interview is not None:
        urls.append(reverse("workspace:interview_edit", args=[person.pk, interview.pk]))
    return [client.get(url).status_code for url in urls]


# --- Year one -------------------------------------------------------------------------


def test_a_next_appointment_in_year_one_is_refused_naming_the_field(login, staff, person):
    client = login(staff)
    response = client.post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(next_appointment_at=YEAR_ONE),
        **HTMX,
    )
    assert response.status_code == 422
    assert "Prochain rendez-vous : la date doit être comprise entre" in _text(response)
    assert not Interview.objects.exists()
    assert _record_pages(client, person) == [200, 200]


def test_the_record_never_answers_500_after_a_year_one_appointment_was_tried(login, staff, person):
    interview = interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
    )
    client = login(staff)
    response = client.post(
        reverse("workspace:interview_edit", args=[person.pk, interview.pk]),
        _interview_post(next_appointment_at=YEAR_ONE, version="1"),
        **HTMX,
    )
    assert response.status_code == 422
    interview.refresh_from_db()
    assert interview.next_appointment_at is None
    assert _record_pages(client, person, interview) == [200, 200, 200]


def test_the_database_refuses_a_next_appointment_in_year_one(staff, person):
    interview = interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
    )
    year_one = datetime.datetime(1, 1, 1, 12, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=interview.pk).update(next_appointment_at=year_one)


@pytest.mark.parametrize(
    ("model_field", "value"),
    [
        ("birth_date", datetime.date(1899, 12, 31)),
        ("birth_date", datetime.date(2201, 1, 1)),
        ("rsa_application_date", datetime.date(1, 1, 1)),
    ],
)
def test_the_database_refuses_a_person_date_out_of_range(person, model_field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiary.objects.filter(pk=person.pk).update(**{model_field: value})


# --- Relative rules -------------------------------------------------------------------


def test_a_held_interview_before_the_year_preceding_the_application_is_refused(
    login, staff, person
):
    too_early = datetime.date(person.rsa_application_date.year - 2, 12, 31)
    response = login(staff).post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(occurred_on=too_early.isoformat()),
        **HTMX,
    )
    assert response.status_code == 422
    floor = datetime.date(person.rsa_application_date.year - 1, 1, 1)
    assert f"Date de l'entretien : la date doit être comprise entre le {floor:%d/%m/%Y}" in (
        _text(response)
    )
    assert not Interview.objects.exists()


@pytest.mark.parametrize(
    "when",
    [
        timezone.localtime() - datetime.timedelta(days=2),
        timezone.localtime() + datetime.timedelta(days=400),
    ],
    ids=["past", "beyond-a-year"],
)
def test_a_next_appointment_in_the_past_or_beyond_a_year_is_refused(login, staff, person, when):
    response = login(staff).post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(next_appointment_at=when.strftime("%Y-%m-%dT%H:%M")),
        **HTMX,
    )
    assert response.status_code == 422
    assert "Prochain rendez-vous : la date doit être comprise entre" in _text(response)


def test_a_next_appointment_within_the_year_is_saved(login, staff, person):
    when = timezone.localtime() + datetime.timedelta(days=30)
    response = login(staff).post(
        reverse("workspace:interview_create", args=[person.pk]),
        _interview_post(next_appointment_at=when.strftime("%Y-%m-%dT%H:%M")),
        **HTMX,
    )
    assert response.status_code == 200
    assert Interview.objects.get().next_appointment_at is not None


def test_an_edit_keeps_a_next_appointment_that_has_passed_since(login, staff, person):
    interview = interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
        next_appointment_at=timezone.now() + datetime.timedelta(days=1),
    )
    passed = timezone.localtime() - datetime.timedelta(days=3)
    Interview.objects.filter(pk=interview.pk).update(next_appointment_at=passed)
    response = login(staff).post(
        reverse("workspace:interview_edit", args=[person.pk, interview.pk]),
        _interview_post(
            notes="Compte rendu complété",
            next_appointment_at=passed.strftime("%Y-%m-%dT%H:%M"),
            version="1",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    interview.refresh_from_db()
    assert interview.notes == "Compte rendu complété"


@pytest.mark.parametrize(
    ("signed_on", "review_on", "message"),
    [
        ("0001-01-01", TODAY.isoformat(), "Signé le : la date doit être comprise entre"),
        (
            "2008-12-31",
            "2009-06-30",
            "Signé le : la date doit être comprise entre le 01/06/2009",
        ),
        (
            TODAY.isoformat(),
            (TODAY + datetime.timedelta(days=3 * 365)).isoformat(),
            "À réexaminer le : la date doit être comprise entre",
        ),
    ],
    ids=["year-one", "before-the-rsa", "review-too-far"],
)
def test_contract_dates_out_of_range_are_refused(
    login, staff, person, signed_on, review_on, message
):
    response = login(staff).post(
        reverse("workspace:contract_create", args=[person.pk]),
        {
            "kind": "contrat_engagement",
            "signed_on": signed_on,
            "review_on": review_on,
            "weekly_hours": "15",
            "objectives-TOTAL_FORMS": "0",
            "objectives-INITIAL_FORMS": "0",
        },
        **HTMX,
    )
    assert response.status_code == 422
    assert message in _text(response)
    assert not Contract.objects.exists()


def test_an_action_starting_in_year_one_is_refused(login, staff, person):
    offer = offer_for(staff)
    response = login(staff).post(
        reverse("workspace:prescribe", args=[person.pk, offer.pk]),
        {"hours_per_week": "6", "starts_on": "0001-01-01"},
    )
    assert response.status_code == 422
    assert "Début : la date doit être comprise entre" in _text(response)
    assert not Prescription.objects.exists()


def test_an_outreach_attempt_in_1850_is_refused(login, staff, person):
    response = login(staff).post(
        reverse("workspace:outreach_create", args=[person.pk]),
        {"channel": "sms", "result": "no_answer", "attempted_on": "1850-01-01"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Date de la tentative de contact : la date doit être comprise entre" in _text(response)
    assert not OutreachAttempt.objects.exists()


# --- The interview list's offset ----------------------------------------------------------


@pytest.mark.parametrize("offset", ["99999999999999999999", "-5", "abc", "1e9", "٣", " 20 ", ""])
def test_the_interview_list_answers_any_offset(login, staff, person, offset):
    interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
    )
    response = login(staff).get(
        reverse("workspace:interview_list", args=[person.pk]), {"offset": offset}, **HTMX
    )
    assert response.status_code == 200
