"""The reminder to the person 2 days before, exactly once (two scans at
once, a Redis flush between scans); invitations reminded after 3 days and
expired after their validity."""

import datetime
import threading

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection, connections

from appointments.enums import Channel, InvitationStatus, MessageKind
from appointments.models import Invitation, Message
from appointments.reminders import reminders_scan
from appointments.services import appointment_book, convocation_send, invitation_send


def _reminders():
    return Message.objects.filter(kind=MessageKind.REMINDER)


def _booked(referent, person, slot):
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=5)):
        appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
        convocation_send(
            acting_user=referent.user,
            appointment=appointment,
            channels=[Channel.SMS, Channel.LETTER],
        )
    return appointment


def test_no_reminder_before_two_days_before(referent, person, slot_at):
    slot = slot_at()
    _booked(referent, person, slot)
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=2, hours=1)):
        assert reminders_scan() == 0


def test_the_reminder_goes_out_once_two_days_before_by_the_channels_used(referent, person, slot_at):
    slot = slot_at()
    _booked(referent, person, slot)
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=2)):
        assert reminders_scan() == 1
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=1)):
        assert reminders_scan() == 0
    assert list(_reminders().values_list("channel", flat=True)) == ["sms"]


@pytest.mark.xdist_group("redis_flush")
def test_the_reminder_survives_a_redis_flush_and_is_not_repeated(referent, person, slot_at):
    slot = slot_at()
    _booked(referent, person, slot)
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=2)):
        reminders_scan()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with time_machine.travel(slot.starts_at - datetime.timedelta(days=1, hours=12)):
        assert reminders_scan() == 0
    assert _reminders().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_write_the_reminder_once(referent, person, slot_at):
    slot = slot_at()
    _booked(referent, person, slot)
    barrier = threading.Barrier(2)

    def scan():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            reminders_scan(now=slot.starts_at - datetime.timedelta(days=2))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert _reminders().count() == 1


def test_an_invitation_is_reminded_after_three_days_then_expires(referent, person):
    with time_machine.travel("2026-03-02 10:00 +01:00"):
        invitation = invitation_send(
            acting_user=referent.user, beneficiary=person, referent=referent, channels=[Channel.SMS]
        )
    assert invitation.expires_on == datetime.date(2026, 3, 12)
    with time_machine.travel("2026-03-04 10:00 +01:00"):
        assert reminders_scan() == 0
    with time_machine.travel("2026-03-05 10:00 +01:00"):
        assert reminders_scan() == 1
        assert reminders_scan() == 0
    with time_machine.travel("2026-03-13 10:00 +01:00"):
        reminders_scan()
    assert Invitation.objects.get().status == InvitationStatus.EXPIRED
