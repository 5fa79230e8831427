"""A double submit makes no duplicate: the same action prescribed twice is
refused (its hours would count twice), two renewal forms open on the same
contract make one contract; the database holds both rules."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from caseload.perms import forget_scope
from pathways.enums import InterviewKind, PrescriptionStatus
from pathways.models import Contract, Prescription
from pathways.services.followup import (
    contract_create,
    interview_create,
    prescription_create,
    prescription_set_status,
)
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import offer_for, person_followed_by

TODAY = datetime.date.today()
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=2)


def _text(response):
    return response.content.decode().replace("&#x27;", "'")


def _prescribe(staff, person, offer, hours="6"):
    return prescription_create(
        acting_user=staff.user, beneficiary=person, offer=offer, hours_per_week=Decimal(hours)
    )


def _contract(staff, person, **kwargs):
    return contract_create(
        acting_user=staff.user,
        beneficiary=person,
        signed_on=TODAY,
        review_on=TODAY + datetime.timedelta(days=180),
        weekly_hours=Decimal("15"),
        **kwargs,
    )


# --- Prescriptions ----------------------------------------------------------------------


def test_prescribing_an_action_twice_from_the_catalogue_is_refused_and_hours_count_once(
    login, staff, person
):
    offer = offer_for(staff)
    client = login(staff)
    url = reverse("workspace:prescribe", args=[person.pk, offer.pk])
    assert client.post(url, {"hours_per_week": "6"}).status_code == 302
    response = client.post(url, {"hours_per_week": "6"})
    assert response.status_code == 422
    assert "Cette action est déjà prescrite à cette personne (6 h par semaine)" in _text(response)
    assert Prescription.objects.filter(beneficiary=person).count() == 1
    record = client.get(person.get_absolute_url())
    assert record.context["hours"]["total"] == Decimal("6")


def test_an_interview_naming_an_action_already_active_is_refused(staff, person):
    offer = offer_for(staff)
    _prescribe(staff, person, offer)
    with pytest.raises(ValidationError) as error:
        interview_create(
            acting_user=staff.user,
            beneficiary=person,
            occurred_on=TODAY,
            kind=InterviewKind.INDIVIDUAL,
            prescriptions=[{"offer": offer, "hours_per_week": Decimal("4")}],
        )
    assert "déjà prescrite" in error.value.message_dict["prescriptions-0-offer"][0]
    assert Prescription.objects.count() == 1


def test_an_interview_naming_the_same_action_on_two_lines_is_refused(staff, person):
    offer = offer_for(staff)
    with pytest.raises(ValidationError) as error:
        interview_create(
            acting_user=staff.user,
            beneficiary=person,
            occurred_on=TODAY,
            kind=InterviewKind.INDIVIDUAL,
            prescriptions=[
                {"offer": offer, "hours_per_week": Decimal("4")},
                {"offer": offer, "hours_per_week": Decimal("4")},
            ],
        )
    assert "prescriptions-1-offer" in error.value.message_dict
    assert not Prescription.objects.exists()


def test_an_action_finished_can_be_prescribed_again(staff, person):
    offer = offer_for(staff)
    first = _prescribe(staff, person, offer)
    prescription_set_status(
        acting_user=staff.user, prescription=first, status=PrescriptionStatus.COMPLETED
    )
    _prescribe(staff, person, offer)
    assert Prescription.objects.filter(status__in=PrescriptionStatus.active()).count() == 1


def test_a_finished_action_prescribed_again_cannot_resume(staff, person):
    offer = offer_for(staff)
    first = _prescribe(staff, person, offer)
    prescription_set_status(
        acting_user=staff.user, prescription=first, status=PrescriptionStatus.ABANDONED
    )
    _prescribe(staff, person, offer)
    with pytest.raises(ValidationError):
        prescription_set_status(
            acting_user=staff.user, prescription=first, status=PrescriptionStatus.IN_PROGRESS
        )


def test_the_database_refuses_a_second_active_prescription_of_an_action(staff, person):
    offer = offer_for(staff)
    first = _prescribe(staff, person, offer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Prescription.objects.create(
            beneficiary=person,
            offer=offer,
            hours_per_week=Decimal("6"),
            prescribed_on=TODAY,
            pathway=first.pathway,
        )


# --- Contracts ----------------------------------------------------------------------------


def _contract_form(client, person):
    """Open the contract form and return its fields as the browser would post them."""
    html = client.get(reverse("workspace:contract_create", args=[person.pk]), **HTMX)
    renews = re.search(r'name="renews"(?: value="(\d+)")?', html.content.decode())
    assert renews is not None
    return {
        "kind": "contrat_engagement",
        "signed_on": TODAY.isoformat(),
        "review_on": (TODAY + datetime.timedelta(days=180)).isoformat(),
        "weekly_hours": "15",
        "renews": renews.group(1) or "",
        "objectives-TOTAL_FORMS": "0",
        "objectives-INITIAL_FORMS": "0",
    }


def _second_client(staff):
    client = Client()
    forget_scope(staff.user)
    client.force_login(staff.user)
    return client


@pytest.mark.parametrize("existing", [0, 1], ids=["first-contract", "renewal"])
def test_two_contract_forms_open_make_one_contract(login, staff, person, existing):
    if existing:
        _contract(staff, person)
    first, second = login(staff), _second_client(staff)
    url = reverse("workspace:contract_create", args=[person.pk])
    form_one, form_two = _contract_form(first, person), _contract_form(second, person)
    assert first.post(url, form_one, **HTMX).status_code == 200
    response = second.post(url, form_two, **HTMX)
    assert response.status_code == 409
    assert "enregistré entre-temps" in _text(response)
    assert "Recharger la fiche à jour" in _text(response)
    assert Contract.objects.filter(beneficiary=person).count() == existing + 1


def test_a_double_submit_of_a_renewal_makes_one_contract(login, staff, person):
    _contract(staff, person)
    client = login(staff)
    url = reverse("workspace:contract_create", args=[person.pk])
    form = _contract_form(client, person)
    assert client.post(url, form, **HTMX).status_code == 200
    assert client.post(url, form, **HTMX).status_code == 409
    assert Contract.objects.filter(beneficiary=person).count() == 2


def test_a_renewal_renews_the_current_contract(staff, person):
    first = _contract(staff, person)
    second = _contract(staff, person)
    third = _contract(staff, person, renews_id=second.pk)
    assert (second.renews, third.renews) == (first, second)
    with pytest.raises(ValidationError):
        _contract(staff, person, renews_id=second.pk)


def test_a_renewal_cannot_be_signed_before_the_contract_it_renews(staff, person):
    _contract(staff, person)
    with pytest.raises(ValidationError) as error:
        contract_create(
            acting_user=staff.user,
            beneficiary=person,
            signed_on=TODAY - datetime.timedelta(days=1),
            review_on=TODAY + datetime.timedelta(days=180),
            weekly_hours=Decimal("15"),
        )
    assert "signed_on" in error.value.message_dict
    assert Contract.objects.count() == 1


def test_the_database_refuses_two_first_contracts_in_a_pathway(staff, person):
    first = _contract(staff, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            beneficiary=person,
            pathway=first.pathway,
            signed_on=TODAY,
            review_on=TODAY,
        )


def test_the_database_refuses_two_renewals_of_one_contract(staff, person):
    first = _contract(staff, person)
    _contract(staff, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            beneficiary=person,
            pathway=first.pathway,
            renews=first,
            signed_on=TODAY,
            review_on=TODAY,
        )


# --- At the very same instant (PostgreSQL, one connection per thread) ----------------------


def _at_once(attempt, count=4):
    """Run `attempt()` in `count` threads released together; each outcome is
    "ok" or the French message of the ValidationError (never a crash)."""
    barrier = threading.Barrier(count)
    outcomes, lock = [], threading.Lock()

    def worker():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            try:
                attempt()
                result = "ok"
            except ValidationError as error:
                result = " ".join(error.messages)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_prescribe_an_action_once(staff, person):
    offer = offer_for(staff)
    outcomes = _at_once(lambda: _prescribe(staff, person, offer))
    assert sorted(o == "ok" for o in outcomes) == [False, False, False, True]
    assert all("déjà prescrite" in o for o in outcomes if o != "ok")
    assert Prescription.objects.filter(beneficiary=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_renewals_of_one_contract_make_one_contract(staff, person):
    current = _contract(staff, person)
    outcomes = _at_once(lambda: _contract(staff, person, renews_id=current.pk))
    assert sorted(o == "ok" for o in outcomes) == [False, False, False, True]
    assert all("entre-temps" in o for o in outcomes if o != "ok")
    assert Contract.objects.filter(beneficiary=person).count() == 2
