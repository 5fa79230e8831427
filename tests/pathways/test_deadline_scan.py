"""The deadline scan, called directly (the worker tests are in
test_deadline_worker.py)."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beneficiaries.models import Beneficiary
from caseload.enums import Programme
from caseload.models import Assignment
from pathways.enums import DeadlineKind, EmailStatus, NotificationKind, ReminderStatus
from pathways.models import (
    Deadline,
    DeadlineReminder,
    Notification,
    NotificationReminder,
    OutgoingEmail,
    Pathway,
)
from pathways.notifications import EMAIL_MAX_ATTEMPTS, email_backoff, emails_send
from pathways.reminders import ScanAborted, scan_deadlines
from pathways.services.deadlines import deadline_cancel, deadline_meet
from tests.caseload.factories import StaffProfileFactory
from tests.pathways.conftest import DAY0


def day(n):
    return DAY0 + datetime.timedelta(days=n)


def _received(user):
    return list(
        Notification.objects.filter(recipient=user.user if hasattr(user, "user") else user)
        .order_by("pk")
        .values_list("kind", "deadline_kind")
    )


def test_a_person_without_referent_alerts_the_managers_at_once(new_applicant, manager, referent):
    new_applicant()

    result = scan_deadlines(today=day(0))

    assert result.sent == 1
    assert _received(manager) == [(NotificationKind.UNASSIGNED, DeadlineKind.ENTRY)]
    assert _received(referent) == []


def test_a_person_with_a_referent_does_not_alert_the_managers(new_applicant, manager, referent):
    new_applicant(followed_by=referent)

    result = scan_deadlines(today=day(0))

    assert (result.sent, result.skipped) == (0, 1)
    assert _received(manager) == []


def test_reminders_go_to_the_referent_and_escalation_to_the_managers(
    new_applicant, manager, referent
):
    new_applicant(followed_by=referent)

    scan_deadlines(today=day(8))
    assert _received(referent) == [(NotificationKind.REMINDER, DeadlineKind.ENTRY)]
    scan_deadlines(today=day(16))

    assert _received(manager) == [(NotificationKind.ESCALATION, DeadlineKind.ENTRY)]
    # Day 12 and 14 were missed by this scan: stale steps are skipped, not sent late.
    assert len(_received(referent)) == 1
    statuses = dict(
        DeadlineReminder.objects.filter(deadline__kind=DeadlineKind.ENTRY).values_list(
            "step", "status"
        )
    )
    assert statuses == {
        "unassigned": "skipped",
        "before_7": "sent",
        "before_3": "skipped",
        "before_1": "skipped",
        "escalation": "sent",
    }


def test_without_a_referent_reminders_go_to_the_managers(new_applicant, manager):
    new_applicant()

    scan_deadlines(today=day(8))

    assert _received(manager) == [(NotificationKind.REMINDER, DeadlineKind.ENTRY)]


def test_people_without_territory_alert_the_departement_admins(new_applicant, territory):
    admin = StaffProfileFactory(admin=True, structure__departement=territory.departement)
    new_applicant(person_territory=None)

    scan_deadlines(today=day(0))

    assert _received(admin) == [(NotificationKind.UNASSIGNED, DeadlineKind.ENTRY)]


def test_meeting_or_cancelling_a_deadline_cancels_its_pending_reminders(new_applicant, referent):
    person = new_applicant(followed_by=referent)
    pathway = person.pathways.get()

    assert deadline_meet(pathway=pathway, kind=DeadlineKind.ENTRY, on=day(3)) == 1
    assert deadline_cancel(pathway=pathway, kind=DeadlineKind.ORIENTATION, on=day(3)) == 1

    assert not DeadlineReminder.objects.pending().exists()
    result = scan_deadlines(today=day(60))
    assert (result.sent, result.skipped) == (0, 0)


@pytest.mark.parametrize("close", [deadline_meet, deadline_cancel], ids=["met", "cancelled"])
def test_closing_a_deadline_leaves_its_reminders_already_sent_as_sent(
    new_applicant, referent, close
):
    person = new_applicant(followed_by=referent)
    pathway = person.pathways.get()
    assert scan_deadlines(today=day(8)).sent == 1
    entry = DeadlineReminder.objects.filter(
        deadline__pathway=pathway, deadline__kind=DeadlineKind.ENTRY
    )
    processed = {
        pk: (status, at)
        for pk, status, at in entry.exclude(status=ReminderStatus.PENDING).values_list(
            "pk", "status", "processed_at"
        )
    }
    pending = list(entry.pending().values_list("pk", flat=True))
    assert ReminderStatus.SENT in {status for status, _at in processed.values()}
    assert pending

    assert close(pathway=pathway, kind=DeadlineKind.ENTRY, on=day(9)) == 1

    assert {
        pk: (status, at)
        for pk, status, at in entry.filter(pk__in=processed).values_list(
            "pk", "status", "processed_at"
        )
    } == processed
    assert set(entry.filter(pk__in=pending).values_list("status", flat=True)) == {
        ReminderStatus.CANCELLED
    }


def test_a_reminder_no_longer_pending_when_the_scan_marks_it_rolls_the_batch_back(
    new_applicant, referent
):
    """The scan's guarded update (`WHERE status = 'pending'`): a reminder
    processed elsewhere while the batch is written (here, just before the
    scan marks its batch) is never overwritten; the batch rolls back."""
    new_applicant(followed_by=referent)
    due = DeadlineReminder.objects.due(day(8)).order_by("pk").first()

    fired = []

    def processed_elsewhere(execute, sql, params, many, context):
        if sql.startswith('UPDATE "pathways_deadlinereminder"') and not fired:
            fired.append(sql)
            execute(
                'UPDATE "pathways_deadlinereminder" SET "status" = %s, "processed_at" = %s '
                'WHERE "id" = %s',
                [ReminderStatus.SKIPPED, timezone.now(), due.pk],
                False,
                context,
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(processed_elsewhere), pytest.raises(ScanAborted):
        scan_deadlines(today=day(8))

    assert DeadlineReminder.objects.get(pk=due.pk).status == ReminderStatus.PENDING
    assert not Notification.objects.exists()


def test_reminders_of_a_deadline_closed_behind_the_services_back_are_cancelled(
    new_applicant, referent
):
    person = new_applicant(followed_by=referent)
    Deadline.objects.filter(pathway__beneficiary=person).update(met_on=day(1))

    result = scan_deadlines(today=day(8))

    assert (result.sent, result.cancelled) == (0, 2)
    assert result.summary == "sent: 0, skipped: 2"


def test_each_step_is_sent_once_however_often_the_scan_runs(new_applicant, referent):
    new_applicant(followed_by=referent)

    first = scan_deadlines(today=day(8))
    again = scan_deadlines(today=day(8))

    assert (first.sent, again.sent, again.skipped) == (1, 0, 0)
    assert Notification.objects.count() == 1


def test_the_database_refuses_a_second_notification_of_a_step(new_applicant, referent):
    new_applicant(followed_by=referent)
    scan_deadlines(today=day(8))
    carried = NotificationReminder.objects.get()

    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        NotificationReminder.objects.create(
            notification=Notification.objects.create(
                recipient=referent.user,
                kind=NotificationKind.REMINDER,
                deadline_kind=DeadlineKind.ENTRY,
                due_on=day(15),
            ),
            reminder_id=carried.reminder_id,
            recipient_id=carried.recipient_id,
        )


def test_the_emails_hold_the_first_name_and_the_deadline_only(
    new_applicant, referent, django_capture_on_commit_callbacks, mailoutbox
):
    person = new_applicant(
        followed_by=referent, first_name="Maria", last_name="Lopez-Secret", nir=""
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan_deadlines(today=day(8))

    assert len(callbacks) == 1
    assert emails_send() == 1
    (email,) = mailoutbox
    assert email.to == ["camille@example.org"]
    assert "Maria" in email.body
    assert "17/03/2026" in email.body
    assert f"/portefeuille/personnes/{person.pk}/" in email.body
    for secret in ("Lopez-Secret", person.caf_number, "1985"):
        assert secret not in email.body and secret not in email.subject
    assert Notification.objects.get().emailed_at is not None
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT
    # Sent once: a second run finds nothing left to email.
    assert emails_send() == 0


def test_an_email_failure_counts_an_attempt_and_waits_for_the_next(
    new_applicant, referent, settings, mailoutbox
):
    new_applicant(followed_by=referent)
    scan_deadlines(today=day(8))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # closed port: a real failure

    assert emails_send() == 0

    notification = Notification.objects.get()
    assert notification.emailed_at is None and notification.read_at is None
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.last_error == "ConnectionRefusedError"
    assert email.next_attempt_at > timezone.now()
    # Not retried before its backoff; sent once the server answers again.
    assert emails_send() == 0 and OutgoingEmail.objects.get().attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_send(now=email.next_attempt_at) == 1
    assert len(mailoutbox) == 1


def _people_due(new_applicant, referent, count):
    for _ in range(count):
        new_applicant(followed_by=referent, applied_on=day(0))


def _bulk_due(count, referent, territory, offset):
    """`count` people whose 7-day entry reminder is due on day 8, in a few
    bulk inserts (the service path is covered by the other tests)."""
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            departement=territory.departement,
            territory=territory,
            caf_number=f"{5000000 + offset + i}",
            household_role="demandeur",
            first_name="Prénom",
            last_name=f"Nom{i}",
            rsa_application_date=day(0),
        )
        for i in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(beneficiary=p, staff=referent, programme=Programme.DROIT_COMMUN) for p in people
    )
    pathways = Pathway.objects.bulk_create(Pathway(beneficiary=p, opened_on=day(0)) for p in people)
    deadlines = Deadline.objects.bulk_create(
        Deadline(pathway=p, kind=DeadlineKind.ENTRY, reference_date=day(0), due_on=day(15))
        for p in pathways
    )
    DeadlineReminder.objects.bulk_create(
        DeadlineReminder(deadline=d, step="before_7", send_on=day(8)) for d in deadlines
    )


def test_the_scan_query_count_does_not_grow_with_the_number_due(referent, territory, manager):
    _bulk_due(50, referent, territory, offset=0)
    with CaptureQueriesContext(connection) as small:
        assert scan_deadlines(today=day(8), batch_size=2000).sent == 50
    Notification.objects.update(read_at=timezone.now())  # the next scan writes a new one

    _bulk_due(500, referent, territory, offset=1000)
    with CaptureQueriesContext(connection) as large:
        assert scan_deadlines(today=day(8), batch_size=2000).sent == 500

    # claim, latest steps, referents, managers, admins, recipients (locked,
    # with their email choice), their open notifications, outbox, notifications,
    # reminders carried, update, savepoints: the same whatever the number due.
    assert len(small) == len(large) <= 13


def test_batches_cost_a_constant_number_of_queries_each(new_applicant, referent):
    _people_due(new_applicant, referent, 12)
    with CaptureQueriesContext(connection) as queries:
        result = scan_deadlines(today=day(8), batch_size=5)

    # 24 due: each person's day-8 reminder and superseded day-0 alert.
    assert (result.sent, result.skipped, result.batches) == (12, 12, 5)
    per_batch = len(queries) / 5
    assert per_batch <= 11


def test_check_deadlines_sends_and_prints_the_summary(
    new_applicant, referent, manager, capsys, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC))  # day 8
    new_applicant(followed_by=referent)
    new_applicant()  # no referent: the day-8 reminder goes to the manager

    call_command("check_deadlines")

    lines = capsys.readouterr().out.strip().splitlines()
    # The two "no referent" alerts of day 0 are superseded by the day-8 reminders.
    assert lines[-1] == "sent: 2, skipped: 2"
    assert _received(referent) == [(NotificationKind.REMINDER, DeadlineKind.ENTRY)]
    assert _received(manager) == [(NotificationKind.REMINDER, DeadlineKind.ENTRY)]


def test_check_deadlines_dry_run_sends_nothing_and_says_what_it_would(
    new_applicant, referent, capsys, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC))
    new_applicant(followed_by=referent)

    call_command("check_deadlines", "--dry-run")

    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "sent: 1, skipped: 1"
    assert any(line.startswith("reminder ") and "before_7" in line for line in out)
    assert Notification.objects.count() == 0
    assert DeadlineReminder.objects.filter(status=ReminderStatus.PENDING).count() == 9


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_reminder_once(new_applicant, referent, settings):
    for _ in range(30):
        new_applicant(followed_by=referent)
    settings.DEADLINE_SCAN_TEST_PAUSE_SECONDS = 0.05  # keep batches open so the scans overlap
    start = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            start.wait()
            results.append(scan_deadlines(today=day(8), batch_size=4))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sum(r.sent for r in results) == 30
    assert all(r.sent > 0 for r in results), "both scans took a share of the work"
    # One notification per batch's group, each reminder carried once.
    assert sum(Notification.objects.values_list("count", flat=True)) == 30
    assert NotificationReminder.objects.values("reminder").distinct().count() == 30
    assert NotificationReminder.objects.count() == 30


def test_email_failures_back_off_exponentially_then_give_up():
    assert [email_backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert email_backoff(20).total_seconds() == 3600
    assert EMAIL_MAX_ATTEMPTS == 10


def test_beat_runs_the_scan_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-scan"]

    assert entry["task"] == "pathways.tasks.scan_deadlines"
    assert entry["schedule"] <= 600


def test_beat_sends_the_outbox_every_minute_and_the_digest_daily(settings):
    outbox = settings.CELERY_BEAT_SCHEDULE["email-outbox"]
    digest = settings.CELERY_BEAT_SCHEDULE["notification-digest"]

    assert outbox["task"] == "pathways.send_emails" and outbox["schedule"] <= 60
    assert digest["task"] == "pathways.tasks.send_digests"
    assert digest["schedule"].hour == {7}
