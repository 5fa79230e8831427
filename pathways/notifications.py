"""Notifications: marked read by their recipient, and emailed by a task
(`send_notification_emails`, registered with the other tasks of the app)."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pathways.models import Notification

logger = logging.getLogger(__name__)


def notification_mark_read(*, user, notification):
    """Mark one of the user's notifications as read (a guarded update)."""
    return (
        Notification.objects.for_user(user)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def notifications_mark_all_read(*, user):
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def notification_email(notification):
    """The email of a notification: French, with a link to the person, and no
    personal data beyond the first name and the deadline."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "first_name": notification.beneficiary.first_name if notification.beneficiary else "",
            "deadline_label": notification.get_deadline_kind_display(),
            "url": settings.SITE_URL.rstrip("/")
            + (
                reverse("workspace:detail", kwargs={"pk": notification.beneficiary_id})
                if notification.beneficiary_id
                else reverse("notifications:list")
            ),
        }
        subject = render_to_string("pathways/emails/notification_subject.txt", context).strip()
        body = render_to_string("pathways/emails/notification_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )


def notification_emails_send(*, notification_ids):
    """Email the notifications not emailed yet, each in its own transaction:
    the row is locked (skip locked: another task sending it is left alone),
    the email sent, the row marked. Failures are raised after the others
    went out, so that the task retries only what is left."""
    ids = list(
        Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True, recipient__is_active=True
        )
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, errors = 0, []
    connection = get_connection()
    for pk in ids:
        try:
            with transaction.atomic():
                notification = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient", "beneficiary")
                    .filter(pk=pk, emailed_at__isnull=True)
                    .first()
                )
                if notification is None:
                    continue
                connection.send_messages([notification_email(notification)])
                Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
                sent += 1
        except Exception as exc:  # noqa: BLE001 - retried by the task, reported below
            logger.warning("notification %s: email failed (%s)", pk, type(exc).__name__)
            errors.append(exc)
    if errors:
        raise errors[0]
    return sent


# Email retries back off exponentially up to 10 minutes, well under the Redis
# visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS), so that a
# retry waiting for its countdown is never delivered twice.
EMAIL_RETRY_BACKOFF_MAX = 600


@shared_task(
    name="pathways.send_notification_emails",
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=EMAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=8,
    time_limit=300,
    soft_time_limit=240,
)
def send_notification_emails(notification_ids):
    """Email notifications already shown in the app. A failure retries with
    backoff; the in-app notification never waits for it."""
    notification_emails_send(notification_ids=notification_ids)
