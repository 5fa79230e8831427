"""The outbox with the real Celery worker on Redis: a convocation goes out
right after its commit, the beat's `send_messages` sends what was left, each
message once; the reminder is sent once with two scans at once and after a
Redis flush (the state is in the database, never in a waiting task)."""

import datetime
import time

import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from appointments.enums import Channel, MessageKind, MessageStatus
from appointments.models import Message
from appointments.outbox import send_messages
from appointments.services import _message, _write_messages, appointment_book, convocation_send
from appointments.tasks import scan_reminders
from core.models import WorkerHeartbeat
from core.tasks import record_worker_heartbeat
from tests.core.conftest import celery_worker  # noqa: F401 - the real worker fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(predicate, timeout=20):
    limit = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < limit, "the worker did not finish in time"
        time.sleep(0.05)


def _drain():
    """Wait until the solo worker has run everything queued before now."""
    marker = datetime.datetime.now(tz=datetime.UTC)
    record_worker_heartbeat.delay()
    _wait_for(lambda: WorkerHeartbeat.objects.filter(last_seen_at__gte=marker).exists())


def test_a_convocation_goes_out_through_the_worker_right_after_its_commit(
    celery_worker,  # noqa: F811
    referent,
    person,
    slot_at,
    locmem_sms,
):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    convocation_send(
        acting_user=referent.user,
        appointment=appointment,
        channels=[Channel.SMS, Channel.EMAIL, Channel.LETTER],
    )

    _wait_for(lambda: not Message.objects.filter(status=MessageStatus.PENDING).exists())
    assert len(locmem_sms) == 1 and locmem_sms[0]["to"] == "33612345678"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["awa@example.org"]
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_the_beats_send_messages_sends_what_was_left_once(
    celery_worker,  # noqa: F811
    referent,
    person,
    slot_at,
    locmem_sms,
):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    # Written without a task (the broker was down): the rows wait in the outbox.
    _write_messages(
        [
            _message(
                beneficiary=person,
                kind=MessageKind.CONVOCATION,
                channel=channel,
                appointment=appointment,
                key=f"convocation:{appointment.pk}:{appointment.slot_id}:{channel}",
            )
            for channel in (Channel.SMS, Channel.EMAIL)
        ]
    )

    send_messages.delay()
    send_messages.delay()
    _drain()

    assert len(locmem_sms) == 1 and len(mail.outbox) == 1
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 2


@pytest.mark.xdist_group("redis_flush")
def test_the_reminder_goes_out_once_with_two_scans_and_after_a_redis_flush(
    celery_worker,  # noqa: F811
    referent,
    person,
    slot_at,
    locmem_sms,
):
    start = (timezone.localtime() + datetime.timedelta(days=5)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    appointment = appointment_book(
        acting_user=referent.user, beneficiary=person, slot=slot_at(start)
    )
    convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    _wait_for(lambda: len(locmem_sms) == 1)

    with time_machine.travel(start - datetime.timedelta(days=2) + datetime.timedelta(hours=1)):
        scan_reminders.delay()
        scan_reminders.delay()
        _drain()
        _wait_for(lambda: len(locmem_sms) == 2)
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        scan_reminders.delay()
        _drain()

    reminders = Message.objects.filter(kind=MessageKind.REMINDER)
    assert reminders.count() == 1 and reminders.get().status == MessageStatus.SENT
    assert len(locmem_sms) == 2
    assert "rappel" in locmem_sms[1]["text"]
