""" "Jamais rencontré" follows the facts: a held interview or an outreach
attempt that reached the person makes them known to the Département."""

import datetime

import pytest

from beneficiaries.enums import OutreachChannel, OutreachResult
from beneficiaries.models import Beneficiary
from beneficiaries.services import outreach_attempt_create
from pathways.enums import InterviewKind, InterviewStatus
from pathways.services.followup import interview_create, interview_update
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import person_followed_by

TODAY = datetime.date.today()


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=3)


def known(person):
    return Beneficiary.objects.values_list("known_to_departement", flat=True).get(pk=person.pk)


def interview(staff, person, status):
    return interview_create(
        acting_user=staff.user,
        beneficiary=person,
        occurred_on=TODAY + datetime.timedelta(days=2 if status == "planned" else 0),
        kind=InterviewKind.INDIVIDUAL,
        status=status,
    )


def outreach(staff, person, result):
    outreach_attempt_create(
        acting_user=staff.user,
        beneficiary=person,
        channel=OutreachChannel.PHONE,
        result=result,
        attempted_on=TODAY,
    )


def test_a_new_applicant_is_never_met(person):
    assert known(person) is False


def test_a_held_interview_makes_the_person_known(staff, person):
    interview(staff, person, InterviewStatus.HELD)

    assert known(person) is True


@pytest.mark.parametrize("status", [InterviewStatus.PLANNED, InterviewStatus.MISSED])
def test_an_interview_not_held_leaves_the_person_never_met(staff, person, status):
    interview(staff, person, status)

    assert known(person) is False


def test_a_planned_interview_later_held_makes_the_person_known(staff, person):
    planned = interview(staff, person, InterviewStatus.PLANNED)
    interview_update(
        acting_user=staff.user,
        interview=planned,
        expected_version=1,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
        status=InterviewStatus.HELD,
    )

    assert known(person) is True


@pytest.mark.parametrize("result", [OutreachResult.REACHED, OutreachResult.APPOINTMENT_SET])
def test_an_outreach_that_reached_the_person_makes_them_known(staff, person, result):
    outreach(staff, person, result)

    assert known(person) is True


@pytest.mark.parametrize(
    "result", [OutreachResult.NO_ANSWER, OutreachResult.WRONG_CONTACT, OutreachResult.REFUSED]
)
def test_an_outreach_that_did_not_reach_the_person_leaves_them_never_met(staff, person, result):
    outreach(staff, person, result)

    assert known(person) is False


def test_the_record_saved_after_a_held_interview_no_longer_says_never_met(login, staff, person):
    client = login(staff)
    assert "Non, aucune rencontre" in client.get(person.get_absolute_url()).content.decode()

    response = client.post(
        f"/portefeuille/personnes/{person.pk}/entretiens/nouveau/",
        {
            "occurred_on": TODAY.isoformat(),
            "kind": InterviewKind.INDIVIDUAL,
            "status": InterviewStatus.HELD,
            "prescriptions-TOTAL_FORMS": "0",
            "prescriptions-INITIAL_FORMS": "0",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Non, aucune rencontre" not in response.content.decode()
