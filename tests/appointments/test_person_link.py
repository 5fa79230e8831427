"""The person's signed link: no login, the appointment and nothing else;
confirm, cancel, another date; refused when altered, expired or no longer
the appointment's; rate-limited."""

import datetime

import pytest
import time_machine

from appointments.enums import AppointmentStatus
from appointments.links import appointment_token
from appointments.models import Appointment
from appointments.services import appointment_book, appointment_cancel

REFUSAL = "Ce lien n'est pas valable"


@pytest.fixture
def booked(referent, person, slot_at):
    return appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())


def _url(appointment):
    return f"/rdv/{appointment_token(appointment)}/"


def test_the_link_shows_the_appointment_without_login_and_nothing_personal(client, booked):
    response = client.get(_url(booked))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Maison du Département de Montargis" in page and "09h30" in page
    assert "Traoré" not in page and "Awa" not in page and "Tilleuls" not in page
    assert (
        response["Cache-Control"].startswith("no-store") or "no-cache" in response["Cache-Control"]
    )


def test_the_url_holds_only_the_signed_token(booked, person):
    url = _url(booked)
    assert person.last_name not in url and person.caf_number not in url
    assert url.count("/") == 3


def test_the_person_confirms(client, booked):
    response = client.post(_url(booked), {"action": "confirm"})
    assert "Merci, votre rendez-vous est confirmé." in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CONFIRMED


def test_the_person_picks_another_free_slot_of_the_same_referent(client, booked, slot_at):
    other = slot_at(booked.slot.starts_at + datetime.timedelta(days=2))
    page = client.get(_url(booked)).content.decode()
    assert f'value="{other.pk}"' in page
    response = client.post(_url(booked), {"action": "move", "slot": other.pk})
    assert "changé de date" in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).slot_id == other.pk


def test_another_referents_slot_is_not_accepted(client, booked):
    from tests.appointments.factories import SlotFactory

    response = client.post(_url(booked), {"action": "move", "slot": SlotFactory().pk})
    assert response.status_code == 422
    assert Appointment.objects.get(pk=booked.pk).slot_id == booked.slot_id


def test_the_person_cancels_and_the_link_then_stops(client, booked):
    url = _url(booked)
    response = client.post(url, {"action": "cancel"})
    assert "Rendez-vous annulé" in response.content.decode()
    assert REFUSAL in client.get(url).content.decode()


def test_an_altered_link_is_refused_in_french_and_shows_nothing_else(client, booked):
    token = appointment_token(booked)
    response = client.get(f"/rdv/{token[:-2]}xy/")
    page = response.content.decode()
    assert response.status_code == 404
    assert REFUSAL in page
    assert "Maison du Département" not in page


def test_the_link_expires_with_the_appointment(client, booked):
    with time_machine.travel(booked.slot.ends_at + datetime.timedelta(minutes=1)):
        response = client.get(_url(booked))
    assert response.status_code == 404
    assert REFUSAL in response.content.decode()


def test_the_link_of_a_cancelled_appointment_does_not_open_the_next_one(
    client, booked, referent, person, slot_at
):
    old_url = _url(booked)
    appointment_cancel(appointment=booked, acting_user=referent.user)
    appointment_book(
        acting_user=referent.user,
        beneficiary=person,
        slot=slot_at(booked.slot.starts_at + datetime.timedelta(days=3)),
    )
    assert REFUSAL in client.get(old_url).content.decode()


# The Redis flush of the reminder tests would reset the counter: same worker.
@pytest.mark.xdist_group("redis_flush")
def test_the_link_is_rate_limited(client, booked, settings):
    settings.APPOINTMENT_LINK_RATE_LIMIT = 3
    url = _url(booked)
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
