"""Sending the messages to people: the outbox rows are claimed one at a
time (skip locked), sent through their channel and marked sent; a failure
waits with backoff (`core.outbox`); the beat retries what is left."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models.functions import Now
from django.utils import timezone

from appointments.channels import blocked_recipients, message_subject, message_text
from appointments.enums import Channel, DeliveryStatus, MessageStatus
from appointments.models import Message
from appointments.sms import SmsError, get_backend
from core.outbox import backoff, send_due

logger = logging.getLogger(__name__)

MESSAGE_MAX_ATTEMPTS = 8
MESSAGE_SEND_BATCH = 500


def messages_send(*, message_ids=None, now=None, limit=MESSAGE_SEND_BATCH):
    """Send the due messages (or those of `message_ids` that are due).
    Returns (sent, failed)."""
    due = Message.objects.due(now).select_related(
        "beneficiary", "appointment__slot__place", "appointment__beneficiary", "invitation"
    )
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    sms_backend = get_backend()
    email_connection = get_connection()

    def send_one(message):
        # A person who objected or asked for a restriction after the message
        # was written (`channels.blocked_recipients`) receives nothing.
        reason = blocked_recipients([message.beneficiary_id]).get(message.beneficiary_id)
        if reason:
            Message.objects.filter(pk=message.pk).update(
                status=MessageStatus.SKIPPED, skip_reason=reason[:200]
            )
            return False
        try:
            provider_id, delivery = _send(message, sms_backend, email_connection)
        except Exception as exc:  # noqa: BLE001 - counted, retried by the beat
            _attempt_failed(message, exc, now)
            return False
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.SENT,
            sent_at=timezone.now(),
            attempts=message.attempts + 1,
            provider_id=provider_id or "",
            delivery_status=delivery,
            last_error="",
        )
        return True

    return send_due(due=due, send_one=send_one, limit=limit)


def _send(message, sms_backend, email_connection):
    if message.channel == Channel.SMS:
        provider_id = sms_backend.send(
            message.recipient, message_text(message), message.idempotency_key
        )
        return provider_id, DeliveryStatus.ACCEPTED
    if message.channel == Channel.EMAIL:
        email_connection.send_messages(
            [
                EmailMessage(
                    subject=message_subject(message),
                    body=message_text(message) + "\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.recipient],
                    headers={"X-Parcours-Message": message.idempotency_key},
                )
            ]
        )
        return "", DeliveryStatus.UNKNOWN
    # A letter is made as a PDF by the staff (one by one or in batches):
    # "sent" means ready to print and post.
    return "", DeliveryStatus.TO_PRINT


def _attempt_failed(message, exc, now):
    attempts = message.attempts + 1
    given_up = attempts >= MESSAGE_MAX_ATTEMPTS or getattr(exc, "permanent", False)
    reason = str(exc) if isinstance(exc, SmsError) else type(exc).__name__
    Message.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=reason[:200],
        next_attempt_at=(now or Now()) + backoff(attempts),
        status=MessageStatus.FAILED if given_up else MessageStatus.PENDING,
    )
    logger.warning(
        "message %s: attempt %s failed (%s)%s",
        message.pk,
        attempts,
        type(exc).__name__,
        ", given up" if given_up else "",
    )


def delivery_receipt(*, provider_id, delivery_status):
    """The provider tells whether an SMS reached the phone."""
    return Message.objects.filter(provider_id=provider_id, channel=Channel.SMS).update(
        delivery_status=delivery_status,
        delivered_at=timezone.now() if delivery_status == DeliveryStatus.DELIVERED else None,
    )


def messages_enqueue(message_ids):
    """After the commit: ask a worker to send now. Best effort: with the
    broker down, the rows wait in the outbox for the beat."""
    try:
        with send_messages.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0)
            send_messages.apply_async(args=[list(message_ids)], connection=conn, retry=False)
    except Exception as exc:  # noqa: BLE001 - the outbox keeps them
        logger.warning(
            "%s message(s) left in the outbox: broker unreachable (%s)",
            len(message_ids),
            type(exc).__name__,
        )


@shared_task(
    name="appointments.send_messages", ignore_result=True, time_limit=600, soft_time_limit=540
)
def send_messages(message_ids=None):
    """Send messages of the outbox: the new ones after their commit, or
    (from the beat) every one due."""
    sent, failed = messages_send(message_ids=message_ids)
    return {"sent": sent, "failed": failed}
