"""The beat's scan of appointments and invitations: the reminder
`APPOINTMENT_REMINDER_DAYS_BEFORE` days before, once (the message's key
names the appointment, its slot and the channel: two scans at once, or a
scan after Redis lost everything, write it once); invitations reminded
after `INVITATION_REMINDER_AFTER_DAYS` and expired after their validity."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from appointments.enums import Channel, InvitationStatus, MessageKind, MessageStatus
from appointments.models import Appointment, Invitation
from appointments.services import _enqueue_after_commit, _message, _write_messages

REMINDER_CHANNELS = (Channel.SMS, Channel.EMAIL)


def reminders_scan(*, now=None):
    """Write the due reminders and invitation follow-ups; returns the
    number of messages written."""
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        written += _appointment_reminders(now)
        written += _invitation_followups(now)
    return written


def _appointment_reminders(now):
    window = datetime.timedelta(days=settings.APPOINTMENT_REMINDER_DAYS_BEFORE)
    appointments = list(
        Appointment.objects.active()
        .filter(slot__starts_at__gt=now, slot__starts_at__lte=now + window)
        # Booked within the window: the convocation itself is the reminder.
        .filter(created_at__lt=F("slot__starts_at") - window)
        .select_related("beneficiary")
        .prefetch_related("messages")
        .order_by("pk")
    )
    messages = []
    for appointment in appointments:
        used = {
            m.channel
            for m in appointment.messages.all()
            if m.kind == MessageKind.CONVOCATION and m.status != MessageStatus.SKIPPED
        }
        for channel in REMINDER_CHANNELS:
            if used and channel not in used:
                continue
            messages.append(
                _message(
                    beneficiary=appointment.beneficiary,
                    kind=MessageKind.REMINDER,
                    channel=channel,
                    appointment=appointment,
                    key=f"reminder:{appointment.pk}:{appointment.slot_id}:{channel}",
                )
            )
    ids = _write_messages(messages) if messages else []
    _enqueue_after_commit(ids)
    return len(ids)


def _invitation_followups(now):
    today = timezone.localdate(now)
    Invitation.objects.filter(status=InvitationStatus.OPEN, expires_on__lt=today).update(
        status=InvitationStatus.EXPIRED
    )
    due = list(
        Invitation.objects.filter(
            status=InvitationStatus.OPEN,
            sent_on__lte=today - datetime.timedelta(days=settings.INVITATION_REMINDER_AFTER_DAYS),
        )
        .select_related("beneficiary")
        .prefetch_related("messages")
        .order_by("pk")
    )
    messages = [
        _message(
            beneficiary=invitation.beneficiary,
            kind=MessageKind.INVITATION_REMINDER,
            channel=channel,
            invitation=invitation,
            key=f"invitation-reminder:{invitation.pk}:{channel}",
        )
        for invitation in due
        for channel in {
            m.channel
            for m in invitation.messages.all()
            if m.kind == MessageKind.INVITATION and m.channel in REMINDER_CHANNELS
        }
    ]
    ids = _write_messages(messages) if messages else []
    _enqueue_after_commit(ids)
    return len(ids)
