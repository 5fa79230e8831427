"""Acceptance: the 15-day deadline chased by the real Celery worker on Redis,
time travelled day by day, never slept (the test only polls for the worker)."""

import datetime
import time
import zoneinfo

import pytest
from django.core import mail

from core.models import WorkerHeartbeat
from core.tasks import record_worker_heartbeat
from pathways.enums import DeadlineKind, NotificationKind
from pathways.models import Notification
from pathways.services.deadlines import deadline_meet
from pathways.tasks import scan_deadlines, send_digests
from tests.pathways.conftest import DAY0

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _wait_for(predicate, timeout=20):
    limit = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < limit, "the worker did not finish in time"
        time.sleep(0.05)


def _scan_on_worker():
    """Beat's job for one tick: enqueue the scan, then a heartbeat behind it;
    the solo worker runs them in order, so the heartbeat means the scan ran."""
    marker = datetime.datetime.now(tz=datetime.UTC)
    scan_deadlines.delay()
    record_worker_heartbeat.delay()
    _wait_for(lambda: WorkerHeartbeat.objects.filter(last_seen_at__gte=marker).exists())


def _run_days(time_machine, days, on_day=None):
    received = {}
    for n in days:
        time_machine.move_to(
            datetime.datetime.combine(DAY0, datetime.time(9), PARIS) + datetime.timedelta(days=n)
        )
        if on_day:
            on_day(n)
        before = set(Notification.objects.values_list("pk", flat=True))
        _scan_on_worker()
        new = Notification.objects.exclude(pk__in=before).select_related("recipient")
        for notification in new:
            received.setdefault(n, []).append((notification.kind, notification.recipient_id))
    return received


def test_reminders_on_day_8_12_14_and_escalation_on_day_16(
    celery_worker, time_machine, new_applicant, referent, manager
):
    time_machine.move_to(datetime.datetime.combine(DAY0, datetime.time(9), PARIS))
    new_applicant(followed_by=referent)

    received = _run_days(time_machine, range(0, 18))

    reminder = (NotificationKind.REMINDER, referent.user_id)
    assert received == {
        8: [reminder],
        12: [reminder],
        14: [reminder],
        16: [(NotificationKind.ESCALATION, manager.user_id)],
    }
    assert set(Notification.objects.values_list("deadline_kind", flat=True)) == {DeadlineKind.ENTRY}
    # The referent's emails went out through the outbox and the worker, one per
    # notification; the manager's escalation waits for the daily digest.
    _wait_for(lambda: len(mail.outbox) == 3)
    assert [m.to[0] for m in mail.outbox] == ["camille@example.org"] * 3
    send_digests.delay()
    _wait_for(lambda: len(mail.outbox) == 4)
    assert mail.outbox[-1].to == ["chef@example.org"]


def test_the_first_interview_on_day_10_cancels_the_rest(
    celery_worker, time_machine, new_applicant, referent, manager
):
    time_machine.move_to(datetime.datetime.combine(DAY0, datetime.time(9), PARIS))
    person = new_applicant(followed_by=referent)
    pathway = person.pathways.get()

    def interview_on_day_10(n):
        if n == 10:
            # What the interview service does when the first interview is held.
            deadline_meet(pathway=pathway, kind=DeadlineKind.ENTRY, on=datetime.date.today())

    received = _run_days(time_machine, range(7, 18), on_day=interview_on_day_10)

    assert received == {8: [(NotificationKind.REMINDER, referent.user_id)]}
