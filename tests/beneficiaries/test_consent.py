"""Consent to reinforced accompaniment: recorded, refused or withdrawn from
the record, with the date, how the person said it and who recorded it; the
history is kept."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.enums import AccessAction, ConsentChannel, ConsentDecision
from beneficiaries.models import Beneficiary, ConsentEvent, RecordAccessLog
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import person_followed_by

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = datetime.date.today()


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=10)


def answer(client, person, decision, channel=ConsentChannel.INTERVIEW, on=TODAY, version=None):
    person.refresh_from_db()
    return client.post(
        reverse("workspace:consent", args=[person.pk]),
        {
            "decision": decision,
            "channel": channel,
            "occurred_on": on.isoformat(),
            "version": str(version or person.version),
        },
        **HTMX,
    )


def test_a_referent_records_the_consent_with_its_date_channel_and_author(login, staff, person):
    response = answer(login(staff), person, ConsentDecision.GIVEN, ConsentChannel.WRITTEN)

    assert response.status_code == 200
    assert "Accepté" in response.content.decode()
    saved = Beneficiary.objects.get(pk=person.pk)
    assert (saved.reinforced_consent, saved.reinforced_consent_on) == (True, TODAY)
    event = ConsentEvent.objects.get(beneficiary=person)
    assert (event.decision, event.channel, event.occurred_on, event.recorded_by) == (
        ConsentDecision.GIVEN,
        ConsentChannel.WRITTEN,
        TODAY,
        staff.user,
    )


def test_a_consent_withdrawn_later_keeps_both_answers_in_the_history(login, staff, person):
    client = login(staff)
    answer(client, person, ConsentDecision.GIVEN, on=TODAY - datetime.timedelta(days=3))

    response = answer(client, person, ConsentDecision.WITHDRAWN, ConsentChannel.PHONE)

    assert response.status_code == 200
    assert Beneficiary.objects.get(pk=person.pk).reinforced_consent is False
    assert list(
        ConsentEvent.objects.filter(beneficiary=person)
        .order_by("occurred_on")
        .values_list("decision", flat=True)
    ) == [ConsentDecision.GIVEN, ConsentDecision.WITHDRAWN]
    history = client.get(reverse("workspace:consent", args=[person.pk]), **HTMX)
    assert "Retrait du consentement (téléphone)" in history.content.decode()


def test_a_consent_never_given_cannot_be_withdrawn(login, staff, person):
    response = answer(login(staff), person, ConsentDecision.WITHDRAWN)

    assert response.status_code == 422
    assert not ConsentEvent.objects.exists()


def test_a_consent_dated_in_the_future_is_refused(login, staff, person):
    response = answer(login(staff), person, ConsentDecision.GIVEN, on=TODAY + datetime.timedelta(1))

    assert response.status_code == 422
    assert Beneficiary.objects.get(pk=person.pk).reinforced_consent is None


def test_recording_the_consent_bumps_the_version_and_is_traced(login, staff, person):
    answer(login(staff), person, ConsentDecision.REFUSED)

    assert Beneficiary.objects.get(pk=person.pk).version == 2
    assert RecordAccessLog.objects.filter(
        beneficiary_id=person.pk, action=AccessAction.CHANGE, detail="consentement"
    ).exists()


def test_a_consent_saved_from_a_stale_record_is_refused(login, staff, person):
    client = login(staff)
    answer(client, person, ConsentDecision.GIVEN)

    response = answer(client, person, ConsentDecision.REFUSED, version=1)

    assert response.status_code == 409
    assert Beneficiary.objects.get(pk=person.pk).reinforced_consent is True


def test_the_record_links_to_the_consent_form_for_its_referent(login, staff, person):
    page = login(staff).get(person.get_absolute_url()).content.decode()

    assert reverse("workspace:consent", args=[person.pk]) in page


def test_a_manager_reads_the_consent_but_cannot_record_it(login, staff, person):
    manager = StaffProfileFactory(
        manager=True, structure=staff.structure, territories=[staff.territories.first()]
    )
    client = login(manager)

    assert reverse("workspace:consent", args=[person.pk]) not in (
        client.get(person.get_absolute_url()).content.decode()
    )
    assert answer(client, person, ConsentDecision.GIVEN).status_code == 403
    assert not ConsentEvent.objects.exists()
