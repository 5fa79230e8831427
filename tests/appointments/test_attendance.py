"""Attendance after the time: "seen" holds the first interview and meets
the entry deadline; a no-show keeps it open; two in a row flag the person."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from appointments.enums import Attendance, Channel
from appointments.models import NoShowFlag
from appointments.services import appointment_book, attendance_record, convocation_send
from pathways.enums import DeadlineKind, InterviewStatus
from pathways.models import Deadline, Interview


def _entry_deadline(person):
    return Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)


def _held_appointment(referent, person, slot, attendance):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=5)):
        return attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=attendance
        )


def test_a_seen_first_appointment_meets_the_entry_deadline(referent, person, slot_at):
    slot = slot_at()
    appointment, flag = _held_appointment(referent, person, slot, Attendance.SEEN)
    deadline = _entry_deadline(person)
    assert deadline.met_on == timezone.localtime(slot.starts_at).date()
    assert appointment.interview.status == InterviewStatus.HELD
    assert flag is None


def test_a_no_show_keeps_the_entry_deadline_open_and_counts(referent, person, slot_at):
    appointment, flag = _held_appointment(referent, person, slot_at(), Attendance.NO_SHOW)
    assert _entry_deadline(person).met_on is None
    assert Interview.objects.get(pk=appointment.interview_id).status == InterviewStatus.MISSED
    assert flag is None


def test_two_no_shows_in_a_row_flag_the_person_with_the_evidence(referent, person, slot_at):
    first = slot_at()
    convocation_send(
        acting_user=referent.user,
        appointment=appointment_book(acting_user=referent.user, beneficiary=person, slot=first),
        channels=[Channel.SMS, Channel.LETTER],
    )
    with time_machine.travel(first.ends_at + datetime.timedelta(minutes=5)):
        appointment = person.appointments.get()
        attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=Attendance.NO_SHOW
        )
    second = slot_at(first.starts_at + datetime.timedelta(days=7))
    with time_machine.travel(first.ends_at + datetime.timedelta(hours=1)):
        appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=second)
    with time_machine.travel(second.ends_at + datetime.timedelta(minutes=5)):
        _, flag = attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=Attendance.NO_SHOW
        )
    assert flag is not None
    assert NoShowFlag.objects.filter(beneficiary=person, closed_at__isnull=True).count() == 1
    assert [e["place"] for e in flag.evidence] == [first.place.name, second.place.name]
    channels = {m["channel"] for m in flag.evidence[0]["messages"]}
    assert channels == {"sms", "letter"}
    assert _entry_deadline(person).met_on is None


def test_an_excused_absence_between_two_no_shows_raises_no_flag(referent, person, slot_at):
    start = slot_at().starts_at
    for day, attendance in enumerate([Attendance.NO_SHOW, Attendance.EXCUSED, Attendance.NO_SHOW]):
        slot = slot_at(start + datetime.timedelta(days=7 * day))
        with time_machine.travel(slot.starts_at - datetime.timedelta(days=1)):
            appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
        with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=5)):
            _, flag = attendance_record(
                acting_user=referent.user, appointment=appointment, attendance=attendance
            )
    assert flag is None
    assert not NoShowFlag.objects.exists()


def test_attendance_cannot_be_recorded_before_the_time(referent, person, slot_at):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    with pytest.raises(ValidationError) as error:
        attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=Attendance.SEEN
        )
    assert "après l'heure" in error.value.messages[0]


def test_attendance_is_recorded_once(referent, person, slot_at):
    slot = slot_at()
    appointment, _ = _held_appointment(referent, person, slot, Attendance.SEEN)
    with (
        time_machine.travel(slot.ends_at + datetime.timedelta(minutes=10)),
        pytest.raises(ValidationError),
    ):
        attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=Attendance.NO_SHOW
        )
    assert Interview.objects.filter(beneficiary=person).count() == 1
