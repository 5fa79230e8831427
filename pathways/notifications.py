"""Notifications: written grouped by the deadline scan, marked read by their
recipient, and emailed through an outbox (`OutgoingEmail` rows, written in
the same transaction as the notifications) at once or in a daily digest, as
each user chose. The tasks that send are registered here (`send_emails`);
the beat retries what is left (`pathways.tasks`)."""

import datetime
import logging
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from caseload.enums import StaffRole
from pathways.enums import EmailFrequency, EmailKind, EmailStatus
from pathways.models import (
    Notification,
    NotificationPreference,
    NotificationReminder,
    OutgoingEmail,
)

logger = logging.getLogger(__name__)

# Managers and admins receive grouped alerts (people without a referent,
# overdue deadlines of a whole territory): a daily digest by default.
# Referents are reminded of their own people: at once by default.
DIGEST_BY_DEFAULT = frozenset({StaffRole.MANAGER, StaffRole.ADMIN})
# Attempts of an email before it is given up, and the backoff between them.
EMAIL_MAX_ATTEMPTS = 10
EMAIL_BACKOFF_BASE_SECONDS = 60
EMAIL_BACKOFF_MAX_SECONDS = 3600
# Emails sent by one run of the sending task.
EMAIL_SEND_BATCH = 200
# Lines of a digest before "and N more".
DIGEST_MAX_LINES = 30


# --- Reading and preferences ------------------------------------------------------


def notification_mark_read(*, user, notification):
    """Mark one of the user's notifications as read (a guarded update)."""
    return (
        Notification.objects.for_user(user)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def notifications_mark_all_read(*, user):
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def default_email_frequency(role):
    return EmailFrequency.DIGEST if role in DIGEST_BY_DEFAULT else EmailFrequency.IMMEDIATE


def email_frequency_of(user):
    """The user's choice, or the default of their role (one query)."""
    role, chosen = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("staff_profile__role", "notification_preference__email_frequency")
        .first()
    ) or (None, None)
    return EmailFrequency(chosen) if chosen else default_email_frequency(role)


def notification_preference_set(*, user, email_frequency):
    """The user chooses how their notifications are emailed; notifications
    already waiting keep the way chosen when they were made."""
    NotificationPreference.objects.update_or_create(
        user_id=user.pk, defaults={"email_frequency": EmailFrequency(email_frequency)}
    )


def notification_url(notification):
    """Where a notification leads: the person's record, or for a group the
    list to work through."""
    if notification.beneficiary_id and notification.count == 1:
        return reverse("workspace:detail", kwargs={"pk": notification.beneficiary_id})
    return notification.link or reverse("notifications:list")


# --- Writing (the deadline scan) -----------------------------------------------------


def notifications_record(*, events, day):
    """Write the notifications of a batch of events, grouped: one
    notification per recipient, kind, deadline kind and list, that the day's
    later batches add to while it is unread and not emailed yet (an import of
    thousands of people without a referent makes one notification per
    manager). Each recipient's emails go to the outbox in the same
    transaction: one email per new notification for those who chose
    immediate emails; the daily digest takes the others.

    `events` are dicts: recipient_id, kind, deadline_kind, due_on,
    beneficiary_id, reminder_id, link. The caller holds the transaction.
    Returns (notifications written, ids of the new emails). A constant
    number of queries whatever the number of events.
    """
    if not events:
        return 0, []
    groups = defaultdict(list)
    for event in events:
        key = (event["recipient_id"], event["kind"], event["deadline_kind"], event["link"])
        groups[key].append(event)
    recipients = sorted({key[0] for key in groups})
    delivery = _deliveries(recipients)

    existing = {}
    for notification in (
        Notification.objects.select_for_update(of=("self",))
        .filter(
            Q(email__isnull=True) | Q(email__status=EmailStatus.PENDING),
            recipient_id__in=recipients,
            grouped_on=day,
            read_at__isnull=True,
            emailed_at__isnull=True,
        )
        .order_by("pk")
    ):
        key = (notification.recipient_id, notification.kind, notification.deadline_kind)
        existing.setdefault((*key, notification.link), notification)

    merged, new = [], []
    for key, group in groups.items():
        due_on = min(e["due_on"] for e in group)
        notification = existing.get(key)
        if notification is not None:
            notification.count += len(group)
            notification.due_on = min(notification.due_on, due_on)
            notification.beneficiary_id = None
            merged.append((notification, group))
            continue
        recipient_id, kind, deadline_kind, link = key
        notification = Notification(
            recipient_id=recipient_id,
            kind=kind,
            deadline_kind=deadline_kind,
            due_on=due_on,
            count=len(group),
            beneficiary_id=group[0]["beneficiary_id"] if len(group) == 1 else None,
            link=link,
            delivery=delivery.get(recipient_id, ""),
            grouped_on=day,
        )
        new.append((notification, group))

    if merged:
        Notification.objects.bulk_update([n for n, _ in merged], ["count", "due_on", "beneficiary"])
    immediate = [n for n, _ in new if n.delivery == EmailFrequency.IMMEDIATE]
    emails = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(recipient_id=n.recipient_id, kind=EmailKind.NOTIFICATION) for n in immediate
    )
    for notification, email in zip(immediate, emails, strict=True):
        notification.email = email
    Notification.objects.bulk_create([n for n, _ in new])
    NotificationReminder.objects.bulk_create(
        NotificationReminder(
            notification_id=notification.pk,
            reminder_id=event["reminder_id"],
            recipient_id=notification.recipient_id,
        )
        for notification, group in merged + new
        for event in group
    )
    return len(merged) + len(new), [e.pk for e in emails]


def _deliveries(user_ids):
    """How each recipient gets emails ("" for none: no address or inactive).
    Locks the recipients' rows (no key update, so that their new
    notifications may still reference them) so that two scans at once add
    to the same notification instead of making two."""
    deliveries = {}
    for pk, email, is_active, role, chosen in (
        get_user_model()
        .objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=user_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "email",
            "is_active",
            "staff_profile__role",
            "notification_preference__email_frequency",
        )
    ):
        if email and is_active:
            deliveries[pk] = chosen or default_email_frequency(role)
    return deliveries


def emails_enqueue(email_ids):
    """After the commit: ask a worker to send the new emails now. Best
    effort: when the broker is unreachable, the rows wait in the outbox and
    the beat's next run sends them."""
    if not email_ids:
        return
    try:
        # Its own connection, tried once: a broker that is down fails fast
        # (the pool's would retry for seconds, at every batch of a scan).
        with send_emails.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0)
            send_emails.apply_async(args=[list(email_ids)], connection=conn, retry=False)
    except Exception as exc:  # noqa: BLE001 - the outbox keeps them; logged without data
        logger.warning(
            "%s email(s) left in the outbox: broker unreachable (%s)",
            len(email_ids),
            type(exc).__name__,
        )


# --- The daily digest -------------------------------------------------------------


def digests_prepare():
    """One digest email per recipient of the unread notifications waiting
    for it, written to the outbox; the notifications are attached to it (a
    second run at once skips the rows the first one holds). Returns the
    ids of the new emails; the caller enqueues them after the commit."""
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                delivery=EmailFrequency.DIGEST,
                email__isnull=True,
                emailed_at__isnull=True,
                read_at__isnull=True,
            )
            .order_by("recipient_id", "pk")
            .values_list("pk", "recipient_id")
        )
        if not waiting:
            return []
        recipients = sorted({recipient_id for _, recipient_id in waiting})
        emails = OutgoingEmail.objects.bulk_create(
            OutgoingEmail(recipient_id=recipient_id, kind=EmailKind.DIGEST)
            for recipient_id in recipients
        )
        by_recipient = {e.recipient_id: e.pk for e in emails}
        Notification.objects.filter(pk__in=[pk for pk, _ in waiting]).update(
            email_id=Case(
                *(When(recipient_id=r, then=Value(pk)) for r, pk in by_recipient.items()),
            )
        )
    return [e.pk for e in emails]


# --- Sending ------------------------------------------------------------------------


def emails_send(*, email_ids=None, now=None, limit=EMAIL_SEND_BATCH):
    """Send the outbox's due emails (or those of `email_ids` that are due),
    each in its own transaction: the row is claimed with `SELECT … FOR
    UPDATE SKIP LOCKED` and still pending (another task sending it is left
    alone; one already sent is not sent again), the email sent, the row and
    its notifications marked. A failure counts an attempt and sets the next
    one later (exponential backoff), up to EMAIL_MAX_ATTEMPTS. Returns the
    number sent. `now` defaults to the database's clock."""
    due = OutgoingEmail.objects.due(now)
    if email_ids is not None:
        due = due.filter(pk__in=email_ids)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    sent = 0
    connection = get_connection()
    for pk in ids:
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=pk)
                .first()
            )
            if email is None:
                continue
            notifications = list(
                Notification.objects.select_for_update(of=("self",))
                .filter(email=email)
                .select_related("beneficiary")
                .order_by("created_at", "pk")
            )
            if not (email.recipient.is_active and email.recipient.email and notifications):
                email.status = EmailStatus.CANCELLED
                email.save(update_fields=["status"])
                continue
            try:
                connection.send_messages([email_message(email, notifications)])
            except Exception as exc:  # noqa: BLE001 - counted, retried by the beat
                _attempt_failed(email, exc, now)
                continue
            sent_at = timezone.now()
            OutgoingEmail.objects.filter(pk=pk).update(
                status=EmailStatus.SENT, sent_at=sent_at, attempts=email.attempts + 1
            )
            Notification.objects.filter(email=email).update(emailed_at=sent_at)
            sent += 1
    return sent


def email_backoff(attempts):
    """Delay before the next attempt after `attempts` failures."""
    seconds = EMAIL_BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)
    return datetime.timedelta(seconds=min(seconds, EMAIL_BACKOFF_MAX_SECONDS))


def _attempt_failed(email, exc, now):
    """Count the attempt; the next one after the backoff (from `now`, or
    the database's clock)."""
    attempts = email.attempts + 1
    given_up = attempts >= EMAIL_MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=attempts,
        last_error=type(exc).__name__[:100],
        next_attempt_at=(now or Now()) + email_backoff(attempts),
        status=EmailStatus.FAILED if given_up else EmailStatus.PENDING,
    )
    logger.warning(
        "email %s: attempt %s failed (%s)%s",
        email.pk,
        attempts,
        type(exc).__name__,
        ", given up" if given_up else "",
    )


def email_message(email, notifications):
    """The email of an outbox row: French, with links, and no personal data
    beyond first names and deadlines."""
    base = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        if email.kind == EmailKind.DIGEST:
            lines = [
                {
                    "notification": n,
                    "first_name": n.beneficiary.first_name
                    if n.beneficiary and n.count == 1
                    else "",
                    "url": base + notification_url(n),
                }
                for n in notifications
            ]
            context = {
                "lines": lines[:DIGEST_MAX_LINES],
                "more": max(len(lines) - DIGEST_MAX_LINES, 0),
                "total": sum(n.count for n in notifications),
                "list_url": base + reverse("notifications:list"),
            }
            template = "pathways/emails/digest_{}.txt"
        else:
            notification = notifications[0]
            context = {
                "notification": notification,
                "first_name": notification.beneficiary.first_name
                if notification.beneficiary and notification.count == 1
                else "",
                "deadline_label": notification.get_deadline_kind_display(),
                "url": base + notification_url(notification),
            }
            template = "pathways/emails/notification_{}.txt"
        subject = render_to_string(template.format("subject"), context).strip()
        body = render_to_string(template.format("body"), context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient.email],
    )


@shared_task(name="pathways.send_emails", ignore_result=True, time_limit=300, soft_time_limit=240)
def send_emails(email_ids=None):
    """Send emails of the outbox: the new ones just after their commit, or
    (without ids, from the beat) every one due. Failures wait in the outbox
    with their backoff; nothing waits in Redis."""
    return emails_send(email_ids=email_ids)
