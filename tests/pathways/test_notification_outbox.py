"""Acceptance: the emails of a deadline scan survive a broker outage. The
scan writes them to the outbox in its own transaction; with Redis
unreachable (a closed port: a real connection failure) the scan still
succeeds; once the broker is back, the beat's outbox run on the real worker
sends each email exactly once."""

import contextlib
import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connections, transaction
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import record_worker_heartbeat
from pathways.enums import EmailStatus
from pathways.models import Notification, OutgoingEmail
from pathways.notifications import emails_send, send_emails
from pathways.reminders import scan_deadlines
from tests.pathways.conftest import DAY0

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"


def _wait_for(predicate, timeout=20):
    limit = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < limit, "the worker did not finish in time"
        time.sleep(0.05)


@contextlib.contextmanager
def broker_unreachable():
    """Every new broker connection goes to a closed port (the scan's enqueue
    opens its own connection)."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous


def _beat_outbox_tick():
    """Beat's outbox job, then a heartbeat behind it: the solo worker runs
    them in order, so the heartbeat means the outbox run is over."""
    marker = datetime.datetime.now(tz=datetime.UTC)
    send_emails.delay()
    record_worker_heartbeat.delay()
    _wait_for(lambda: WorkerHeartbeat.objects.filter(last_seen_at__gte=marker).exists())


def test_a_scan_with_the_broker_down_keeps_its_emails_and_the_beat_sends_each_once(
    request, new_applicant, referent
):
    for _ in range(3):
        new_applicant(followed_by=referent)
    mail.outbox = []

    with broker_unreachable():
        # The port is closed: a real failure.
        with pytest.raises(OperationalError), celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0)
        result = scan_deadlines(today=DAY0 + datetime.timedelta(days=8))

    # The scan succeeded: the notifications are there, their emails wait in the outbox.
    assert result.sent == 3
    assert Notification.objects.get().count == 3
    assert list(OutgoingEmail.objects.values_list("status", flat=True)) == [EmailStatus.PENDING]
    assert mail.outbox == []

    request.getfixturevalue("celery_worker")  # the broker is back, a worker runs
    _beat_outbox_tick()
    _beat_outbox_tick()  # and the next tick sends nothing more

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert Notification.objects.get().emailed_at is not None


def test_the_emails_of_a_scan_go_out_through_the_worker_once_committed(
    celery_worker, new_applicant, referent
):
    new_applicant(followed_by=referent)
    mail.outbox = []

    scan_deadlines(today=DAY0 + datetime.timedelta(days=8))

    _wait_for(lambda: len(mail.outbox) == 1)
    _beat_outbox_tick()  # the beat's run finds it sent
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT


def test_an_email_claimed_by_another_sender_is_left_alone(new_applicant, referent, mailoutbox):
    new_applicant(followed_by=referent)
    scan_deadlines(today=DAY0 + datetime.timedelta(days=8))
    claimed, release = threading.Event(), threading.Event()

    def other_sender():
        try:
            with transaction.atomic():
                OutgoingEmail.objects.select_for_update().get()
                claimed.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_sender)
    thread.start()
    assert claimed.wait(timeout=20)
    try:
        assert emails_send() == 0  # skipped, not waited for
    finally:
        release.set()
        thread.join(timeout=20)

    assert emails_send() == 1
    assert emails_send() == 0
    assert len(mailoutbox) == 1
