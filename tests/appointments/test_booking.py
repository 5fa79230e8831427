"""Booking, moving and cancelling appointments; a collective session's
capacity under 50 bookings at once on the real PostgreSQL."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from appointments.enums import AppointmentStatus, SlotKind
from appointments.models import Appointment, Slot
from appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    slot_create,
)
from tests.appointments.factories import PlaceFactory, SlotFactory
from tests.beneficiaries.factories import BeneficiaryFactory


def test_booking_takes_one_place_of_the_slot(referent, person, slot_at):
    slot = slot_at()
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    assert appointment.status == AppointmentStatus.BOOKED
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_a_full_individual_slot_refuses_a_second_person(referent, person, slot_at, new_applicant):
    slot = slot_at()
    appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    other = new_applicant(followed_by=referent, first_name="Léa")
    with pytest.raises(ValidationError) as error:
        appointment_book(acting_user=referent.user, beneficiary=other, slot=slot)
    assert "complet" in error.value.messages[0]
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_a_past_slot_cannot_be_booked(referent, person, slot_at):
    slot = slot_at(timezone.now() - datetime.timedelta(hours=2))
    with pytest.raises(ValidationError):
        appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)


def test_the_same_person_cannot_be_booked_twice_on_a_session(referent, person, slot_at):
    slot = slot_at(kind=SlotKind.COLLECTIVE, capacity=5)
    appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    with pytest.raises(ValidationError):
        appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_the_database_refuses_more_bookings_than_places(slot_at):
    slot = slot_at()
    with pytest.raises(IntegrityError):
        Slot.objects.filter(pk=slot.pk).update(booked_count=2)


def test_cancelling_frees_the_place(referent, person, slot_at):
    slot = slot_at()
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    appointment_cancel(appointment=appointment, acting_user=referent.user)
    assert Slot.objects.get(pk=slot.pk).booked_count == 0
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED


def test_moving_takes_the_new_place_and_frees_the_old_one(referent, person, slot_at):
    first = slot_at()
    second = slot_at(first.starts_at + datetime.timedelta(days=1))
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=first)
    moved = appointment_move(appointment=appointment, to_slot=second)
    assert moved.slot_id == second.pk
    assert Slot.objects.get(pk=first.pk).booked_count == 0
    assert Slot.objects.get(pk=second.pk).booked_count == 1


def test_moving_to_another_referents_slot_is_refused(referent, person, slot_at):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    elsewhere = SlotFactory()
    with pytest.raises(ValidationError):
        appointment_move(appointment=appointment, to_slot=elsewhere)


def test_a_slot_is_created_only_at_a_place_of_the_referents_territories(referent, place):
    start = timezone.now() + datetime.timedelta(days=3)
    slot = slot_create(
        acting_user=referent.user,
        referent=referent,
        place=place,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    assert slot.capacity == 1
    with pytest.raises(ValidationError) as error:
        slot_create(
            acting_user=referent.user,
            referent=referent,
            place=PlaceFactory(),
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    assert "place" in error.value.message_dict


# Fifty connections at once: never beside the other fifty-thread test, or the
# two would exceed PostgreSQL's default 100 connections.
@pytest.mark.xdist_group("fifty_connections")
@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_at_once_never_exceed_a_sessions_capacity(referent, place):
    slot = SlotFactory(referent=referent, place=place, collective=True, capacity=12)
    people = BeneficiaryFactory.create_batch(
        50, departement=place.territory.departement, territory=place.territory
    )
    barrier = threading.Barrier(len(people))
    outcomes = []
    lock = threading.Lock()

    def book(person):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            try:
                appointment_book(acting_user=None, beneficiary=person, slot=slot)
                result = "ok"
            except ValidationError:
                result = "full"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("ok") == 12
    assert outcomes.count("full") == 38
    assert Slot.objects.get(pk=slot.pk).booked_count == 12
    assert Appointment.objects.filter(slot=slot).count() == 12
