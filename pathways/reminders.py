"""The deadline scan: claim the due reminders, notify, mark them processed.

Run by the beat task (`pathways.tasks.scan_deadlines`) every few minutes and
by `python manage.py check_deadlines`. Everything it needs is in PostgreSQL:
a reminder is a row, due when its `send_on` date has come and it is still
pending. Each batch is one transaction that

1. claims up to `batch_size` due reminders with `SELECT … FOR UPDATE SKIP
   LOCKED` (two scans at once take different rows),
2. writes the in-app notifications, grouped per recipient and kind of
   event (`pathways.notifications.notifications_record`: a reminder reaches
   each recipient once, guaranteed by the database), and their emails in the
   outbox (`OutgoingEmail` rows),
3. marks the reminders sent, skipped or cancelled with a guarded UPDATE
   (`WHERE status = 'pending'`),

and asks a worker to send the new emails after the commit (best effort:
with the broker down, the beat's outbox run sends them). A scan killed in
the middle rolls back: nothing was sent, the rows are unlocked and the next
scan finds them again. Nothing is kept only in Redis.
"""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseload.enums import StaffRole
from caseload.models import Assignment, StaffProfile
from pathways.deadlines import REFERENT_KINDS
from pathways.enums import NotificationKind, ReminderStatus, ReminderStep
from pathways.models import DeadlineReminder
from pathways.notifications import emails_enqueue, notifications_record

logger = logging.getLogger(__name__)


class ScanAborted(Exception):
    """A guarded update found a reminder no longer pending: roll the batch back."""


@dataclass
class ScanResult:
    sent: int = 0
    skipped: int = 0
    cancelled: int = 0
    notifications: int = 0
    batches: int = 0
    lines: list = field(default_factory=list)

    @property
    def processed(self):
        return self.sent + self.skipped + self.cancelled

    @property
    def summary(self):
        # `cancelled` reminders (deadline met or closed meanwhile) count as skipped.
        return f"sent: {self.sent}, skipped: {self.skipped + self.cancelled}"


def scan_deadlines(*, today=None, batch_size=None, limit=None, describe=False):
    """Process every due reminder, batch after batch, each batch committed on
    its own. Returns a ScanResult. `limit` caps the reminders claimed;
    `describe` collects one line per reminder (no personal data)."""
    today = today or timezone.localdate()
    batch_size = batch_size or settings.DEADLINE_SCAN_BATCH_SIZE
    result = ScanResult()
    while limit is None or result.processed < limit:
        size = batch_size if limit is None else min(batch_size, limit - result.processed)
        with transaction.atomic():
            claimed = _scan_batch(today=today, batch_size=size, result=result, describe=describe)
        if claimed < size:
            break
    logger.info(
        "deadline scan: %s (batches=%s, notifications=%s)",
        result.summary,
        result.batches,
        result.notifications,
    )
    return result


def _claim(today, batch_size):
    return list(
        DeadlineReminder.objects.due(today)
        .select_related("deadline__pathway__beneficiary")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("send_on", "pk")[:batch_size]
    )


def _latest_due_step(deadline_ids, today):
    """For each deadline, the send date of its latest step already due (sent
    or pending): an earlier step still pending is then stale, skipped."""
    latest = {}
    rows = (
        DeadlineReminder.objects.filter(
            deadline_id__in=deadline_ids,
            send_on__lte=today,
            status__in=[ReminderStatus.PENDING, ReminderStatus.SENT],
        )
        .exclude(step=ReminderStep.UNASSIGNED)
        .values_list("deadline_id", "send_on")
    )
    for deadline_id, send_on in rows:
        if send_on > latest.get(deadline_id, send_on.min):
            latest[deadline_id] = send_on
    return latest


def _referents(beneficiary_ids):
    referents = {}
    for beneficiary_id, user_id in (
        Assignment.objects.active()
        .filter(
            beneficiary_id__in=beneficiary_ids, staff__is_active=True, staff__user__is_active=True
        )
        .values_list("beneficiary_id", "staff__user_id")
    ):
        referents.setdefault(beneficiary_id, set()).add(user_id)
    return referents


def _managers(territory_ids, departement_ids):
    """Managers of each territory; admins of each Département, for people
    without a territory or territories without a manager."""
    by_territory, by_departement = {}, {}
    through = StaffProfile.territories.through
    for territory_id, user_id in through.objects.filter(
        territory_id__in=territory_ids,
        staffprofile__role=StaffRole.MANAGER,
        staffprofile__is_active=True,
        staffprofile__user__is_active=True,
    ).values_list("territory_id", "staffprofile__user_id"):
        by_territory.setdefault(territory_id, set()).add(user_id)
    for departement_id, user_id in StaffProfile.objects.filter(
        structure__departement_id__in=departement_ids,
        role=StaffRole.ADMIN,
        is_active=True,
        user__is_active=True,
    ).values_list("structure__departement_id", "user_id"):
        by_departement.setdefault(departement_id, set()).add(user_id)
    return by_territory, by_departement


def _scan_batch(*, today, batch_size, result, describe):
    reminders = _claim(today, batch_size)
    if not reminders:
        return 0
    result.batches += 1
    people = {r.deadline.pathway.beneficiary for r in reminders}
    latest = _latest_due_step({r.deadline_id for r in reminders}, today)
    referents = _referents([p.pk for p in people])
    managers, admins = _managers(
        {p.territory_id for p in people if p.territory_id}, {p.departement_id for p in people}
    )

    links = {
        "queue": reverse("console:queue"),
        "overdue": reverse("console:overdue"),
        "portfolio": reverse("workspace:portfolio"),
    }
    sent, skipped, cancelled, events = [], [], [], []
    for reminder in reminders:
        deadline = reminder.deadline
        person = deadline.pathway.beneficiary
        if deadline.met_on or deadline.cancelled_on or deadline.pathway.closed_at:
            cancelled.append(reminder)
            continue
        person_referents = referents.get(person.pk, set())
        person_managers = managers.get(person.territory_id) or admins.get(person.departement_id)
        if reminder.send_on < latest.get(deadline.pk, reminder.send_on):
            kind, recipients = None, set()  # a later step is due too: this one is stale
        elif reminder.step == ReminderStep.UNASSIGNED:
            kind, link = NotificationKind.UNASSIGNED, links["queue"]
            recipients = set() if person_referents else person_managers
        elif reminder.step == ReminderStep.ESCALATION:
            kind, link = NotificationKind.ESCALATION, links["overdue"]
            recipients = person_managers
        elif deadline.kind in REFERENT_KINDS and person_referents:
            kind, link = NotificationKind.REMINDER, links["portfolio"]
            recipients = person_referents
        else:
            kind, link = NotificationKind.REMINDER, links["queue"]
            recipients = person_managers
        if not recipients:
            skipped.append(reminder)
            continue
        sent.append(reminder)
        events.extend(
            {
                "recipient_id": user_id,
                "kind": kind,
                "deadline_kind": deadline.kind,
                "due_on": deadline.due_on,
                "beneficiary_id": person.pk,
                "reminder_id": reminder.pk,
                "link": link,
            }
            for user_id in sorted(recipients)
        )
        if describe:
            result.lines.append(
                f"reminder {reminder.pk}: {reminder.step} of deadline {deadline.pk} "
                f"({deadline.kind}, due {deadline.due_on:%Y-%m-%d}) to {len(recipients)} user(s)"
            )

    written, email_ids = notifications_record(events=events, day=today)
    _pause_for_tests()
    now = timezone.now()
    for rows, status in (
        (sent, ReminderStatus.SENT),
        (skipped, ReminderStatus.SKIPPED),
        (cancelled, ReminderStatus.CANCELLED),
    ):
        if not rows:
            continue
        updated = (
            DeadlineReminder.objects.pending()
            .filter(pk__in=[r.pk for r in rows])
            .update(status=status, processed_at=now)
        )
        if updated != len(rows):
            raise ScanAborted(f"{len(rows) - updated} reminder(s) no longer pending")
    result.sent += len(sent)
    result.skipped += len(skipped)
    result.cancelled += len(cancelled)
    result.notifications += written
    if email_ids:
        transaction.on_commit(lambda: emails_enqueue(email_ids))
    return len(reminders)


def _pause_for_tests():
    """Test-only: hold the batch open (rows claimed, notifications written,
    nothing committed) so that a test can kill the worker mid-send. Off
    unless DEADLINE_SCAN_TEST_PAUSE_SECONDS is set."""
    seconds = settings.DEADLINE_SCAN_TEST_PAUSE_SECONDS
    if not seconds:
        return
    marker = settings.DEADLINE_SCAN_TEST_PAUSE_MARKER
    if marker:
        Path(marker).write_text("paused")
    logger.warning("deadline scan: test pause of %s s inside the batch", seconds)
    time.sleep(seconds)
