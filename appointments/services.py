"""Writes of the appointments: booking, moving, cancelling, convoking,
inviting and recording attendance. Every function is atomic and takes its
lock on the row that guards the rule."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.channels import blocked_recipients, channel_recipient
from appointments.enums import (
    AppointmentStatus,
    Attendance,
    Channel,
    InvitationStatus,
    MessageKind,
    MessageStatus,
    PlaceKind,
    SlotKind,
)
from appointments.models import Appointment, Invitation, Message, NoShowFlag, Slot
from pathways.enums import InterviewKind, InterviewStatus
from pathways.services.followup import interview_create

# No-shows in a row that flag the person for the manager.
NO_SHOWS_IN_A_ROW = 2


def _enqueue_after_commit(message_ids):
    from appointments.outbox import messages_enqueue

    if message_ids:
        transaction.on_commit(lambda: messages_enqueue(message_ids))


# --- Slots ------------------------------------------------------------------------


@transaction.atomic
def slot_create(
    *,
    acting_user,
    referent,
    place,
    starts_at,
    ends_at,
    kind=SlotKind.INDIVIDUAL,
    capacity=1,
    title="",
):
    """A slot in a referent's agenda, at a place of one of their territories."""
    errors = {}
    if kind not in SlotKind.values:
        errors["kind"] = _("Type de créneau inconnu.")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = _("La fin du créneau doit suivre son début.")
    if kind == SlotKind.INDIVIDUAL:
        capacity = 1
    elif not capacity or capacity < 1 or capacity > 200:
        errors["capacity"] = _("Une séance collective compte de 1 à 200 places.")
    if not referent.territories.filter(pk=place.territory_id).exists():
        errors["place"] = _("Ce lieu n'est pas dans un territoire de ce référent.")
    if errors:
        raise ValidationError(errors)
    return Slot.objects.create(
        referent=referent,
        place=place,
        kind=kind,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=ends_at,
        title=(title or "").strip()[:150],
    )


def _take_place(slot_id):
    """One place of the slot, taken by a guarded update: PostgreSQL locks
    the row and re-checks the condition, so that 50 bookings at once never
    take more places than the slot has (and the check constraint holds
    anyway)."""
    taken = Slot.objects.filter(
        pk=slot_id, booked_count__lt=F("capacity"), starts_at__gt=timezone.now()
    ).update(booked_count=F("booked_count") + 1)
    if not taken:
        raise ValidationError(
            {"slot": _("Ce créneau est complet ou déjà passé : choisissez-en un autre.")}
        )


def _release_place(slot_id):
    Slot.objects.filter(pk=slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)


# --- Appointments -------------------------------------------------------------------


@transaction.atomic
def appointment_book(*, acting_user, beneficiary, slot):
    """Book the person on a slot (a place of it, if a collective session)."""
    _take_place(slot.pk)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                beneficiary=beneficiary, slot_id=slot.pk, booked_by=acting_user
            )
    except IntegrityError as error:
        raise ValidationError(
            {"slot": _("Cette personne a déjà rendez-vous sur ce créneau.")}
        ) from error
    Invitation.objects.filter(beneficiary=beneficiary, status=InvitationStatus.OPEN).update(
        status=InvitationStatus.BOOKED, appointment=appointment
    )
    appointment.slot = Slot.objects.select_related("place", "referent__user").get(pk=slot.pk)
    return appointment


def _locked(appointment):
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__place", "slot__referent__user", "beneficiary")
        .get(pk=appointment.pk)
    )


def _cancel_pending_messages(appointment):
    Message.objects.filter(appointment=appointment, status=MessageStatus.PENDING).exclude(
        kind=MessageKind.CONVOCATION, channel=Channel.LETTER
    ).update(status=MessageStatus.CANCELLED)


@transaction.atomic
def appointment_confirm(*, appointment):
    """The person confirms through their link."""
    current = _locked(appointment)
    if current.status == AppointmentStatus.BOOKED:
        current.status = AppointmentStatus.CONFIRMED
        current.confirmed_at = timezone.now()
        current.save(update_fields=["status", "confirmed_at"])
    return current


@transaction.atomic
def appointment_cancel(*, appointment, acting_user=None):
    """Cancelled by the person (their link) or by staff: the place is
    freed, the messages not sent yet are dropped, and the link stops."""
    current = _locked(appointment)
    if not current.is_active:
        raise ValidationError(_("Ce rendez-vous n'est plus modifiable."))
    current.status = AppointmentStatus.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "cancelled_at"])
    _release_place(current.slot_id)
    _cancel_pending_messages(current)
    return current


def alternative_slots(appointment, *, limit=10):
    """The free future slots the person may move to: the same referent's,
    or the same collective session's other dates (same referent, place and
    title)."""
    slot = appointment.slot
    qs = (
        Slot.objects.free()
        .filter(referent_id=slot.referent_id, kind=slot.kind, starts_at__gt=timezone.now())
        .exclude(pk=slot.pk)
        .exclude(
            appointments__beneficiary_id=appointment.beneficiary_id,
            appointments__status__in=AppointmentStatus.active(),
        )
        .select_related("place")
        .order_by("starts_at", "pk")
    )
    if slot.kind == SlotKind.COLLECTIVE:
        qs = qs.filter(title=slot.title)
    return qs[:limit]


@transaction.atomic
def appointment_move(*, appointment, to_slot, acting_user=None):
    """Move the appointment to another free slot of the same referent (or
    session): the new place taken, the old one freed, the reminder to come
    follows the new date (its key names the slot)."""
    current = _locked(appointment)
    if not current.is_active:
        raise ValidationError(_("Ce rendez-vous n'est plus modifiable."))
    if not alternative_slots(current, limit=None).filter(pk=to_slot.pk).exists():
        raise ValidationError({"slot": _("Ce créneau n'est pas proposé pour ce rendez-vous.")})
    _take_place(to_slot.pk)
    _release_place(current.slot_id)
    Message.objects.filter(
        appointment=current, kind=MessageKind.REMINDER, status=MessageStatus.PENDING
    ).update(status=MessageStatus.CANCELLED)
    current.slot_id = to_slot.pk
    current.status = AppointmentStatus.BOOKED
    current.confirmed_at = None
    current.save(update_fields=["slot", "status", "confirmed_at"])
    return _locked(current)


# --- Messages -----------------------------------------------------------------------


def _message(*, beneficiary, kind, channel, key, appointment=None, invitation=None):
    """A message of the outbox, or a skipped one saying why (no phone, a
    landline, no email, no address)."""
    recipient, reason = channel_recipient(beneficiary, channel)
    return Message(
        beneficiary=beneficiary,
        appointment=appointment,
        invitation=invitation,
        kind=kind,
        channel=channel,
        recipient=recipient or "",
        idempotency_key=key,
        status=MessageStatus.SKIPPED if reason else MessageStatus.PENDING,
        skip_reason=reason or "",
    )


def _write_messages(messages):
    """Insert the messages, each once: a key already written is left as it
    is (a second click, two scans at once). A person no message may reach
    (`blocked_recipients`: an objection or a restriction of processing) gets
    each one written as skipped, with the reason. Returns the ids of the new
    messages to send."""
    blocked = blocked_recipients(
        [m.beneficiary_id for m in messages if m.status == MessageStatus.PENDING]
    )
    for m in messages:
        if m.status == MessageStatus.PENDING and m.beneficiary_id in blocked:
            m.status = MessageStatus.SKIPPED
            m.skip_reason = blocked[m.beneficiary_id][:200]
            m.recipient = ""
    keys = [m.idempotency_key for m in messages]
    existing = set(
        Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    )
    Message.objects.bulk_create(
        [m for m in messages if m.idempotency_key not in existing], ignore_conflicts=True
    )
    return list(
        Message.objects.filter(
            idempotency_key__in=[k for k in keys if k not in existing],
            status=MessageStatus.PENDING,
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def convocation_send(*, acting_user, appointment, channels):
    """Convoke the person to their appointment by the channels chosen
    (letter, SMS, email). Each channel the person cannot receive is written
    as skipped, with its reason. Convoking twice for the same date sends
    nothing more. Returns the messages of this convocation."""
    channels = [c for c in dict.fromkeys(channels) if c in Channel.values]
    if not channels:
        raise ValidationError({"channels": _("Choisissez au moins un moyen de convocation.")})
    current = _locked(appointment)
    if not current.is_active:
        raise ValidationError(_("Ce rendez-vous est annulé ou déjà passé."))
    ids = _write_messages(
        [
            _message(
                beneficiary=current.beneficiary,
                kind=MessageKind.CONVOCATION,
                channel=channel,
                appointment=current,
                key=f"convocation:{current.pk}:{current.slot_id}:{channel}",
            )
            for channel in channels
        ]
    )
    _enqueue_after_commit(ids)
    return list(
        Message.objects.filter(
            appointment=current,
            kind=MessageKind.CONVOCATION,
            idempotency_key__contains=f":{current.slot_id}:",
        ).order_by("channel", "pk")
    )


@transaction.atomic
def invitation_send(*, acting_user, beneficiary, referent, channels, today=None):
    """Invite the person to call or choose a slot, before any slot is
    fixed; the invitation expires after `INVITATION_VALIDITY_DAYS`."""
    channels = [c for c in dict.fromkeys(channels) if c in Channel.values]
    if not channels:
        raise ValidationError({"channels": _("Choisissez au moins un moyen de contact.")})
    today = today or timezone.localdate()
    invitation = Invitation.objects.create(
        beneficiary=beneficiary,
        referent=referent,
        sent_on=today,
        created_by=acting_user,
        expires_on=today + datetime.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    ids = _write_messages(
        [
            _message(
                beneficiary=beneficiary,
                kind=MessageKind.INVITATION,
                channel=channel,
                invitation=invitation,
                key=f"invitation:{invitation.pk}:{channel}",
            )
            for channel in channels
        ]
    )
    _enqueue_after_commit(ids)
    return invitation


# --- Attendance ---------------------------------------------------------------------


def _interview_kind(slot):
    if slot.place.kind == PlaceKind.PHONE:
        return InterviewKind.PHONE
    if slot.place.kind == PlaceKind.HOME_VISIT:
        return InterviewKind.HOME_VISIT
    if slot.kind == SlotKind.COLLECTIVE:
        return InterviewKind.COLLECTIVE
    return InterviewKind.INDIVIDUAL


@transaction.atomic
def attendance_record(*, acting_user, appointment, attendance):
    """After the time, the referent records what happened.

    - seen: a held interview is logged through the interview service, so
      the first one marks the pathway's entry and meets the 15-day entry
      deadline;
    - no-show: a missed interview is logged (the deadline stays open, a new
      convocation is proposed); two no-shows in a row flag the person for
      the manager, with the evidence;
    - excused, cancelled: recorded, nothing else.
    """
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Présence inconnue.")})
    current = _locked(appointment)
    if current.status == AppointmentStatus.RECORDED:
        raise ValidationError(_("La présence à ce rendez-vous est déjà saisie."))
    if not current.is_active:
        raise ValidationError(_("Ce rendez-vous est annulé."))
    if current.slot.starts_at > timezone.now():
        raise ValidationError(
            {"attendance": _("La présence se saisit après l'heure du rendez-vous.")}
        )
    day = timezone.localtime(current.slot.starts_at).date()
    if attendance in (Attendance.SEEN, Attendance.NO_SHOW):
        current.interview = interview_create(
            acting_user=acting_user,
            beneficiary=current.beneficiary,
            occurred_on=day,
            kind=_interview_kind(current.slot),
            status=InterviewStatus.HELD
            if attendance == Attendance.SEEN
            else InterviewStatus.MISSED,
        )
    current.status = AppointmentStatus.RECORDED
    current.attendance = attendance
    current.attendance_recorded_at = timezone.now()
    current.attendance_recorded_by = acting_user
    current.save(
        update_fields=[
            "status",
            "attendance",
            "attendance_recorded_at",
            "attendance_recorded_by",
            "interview",
        ]
    )
    flag = None
    if attendance == Attendance.NO_SHOW:
        flag = _flag_repeated_no_shows(current.beneficiary)
    return current, flag


def _flag_repeated_no_shows(beneficiary):
    """Two no-shows in a row (the last recorded appointments, excused
    absences breaking the series): one open flag, with the evidence."""
    last = list(
        Appointment.objects.filter(
            beneficiary=beneficiary,
            status=AppointmentStatus.RECORDED,
            attendance__in=[Attendance.SEEN, Attendance.NO_SHOW, Attendance.EXCUSED],
        )
        .select_related("slot__place")
        .prefetch_related("messages")
        .order_by("-slot__starts_at", "-pk")[:NO_SHOWS_IN_A_ROW]
    )
    if len(last) < NO_SHOWS_IN_A_ROW or any(a.attendance != Attendance.NO_SHOW for a in last):
        return None
    evidence = [
        {
            "date": timezone.localtime(a.slot.starts_at).isoformat(),
            "place": a.slot.place.name,
            "messages": [
                {
                    "kind": m.kind,
                    "channel": m.channel,
                    "status": m.status,
                    "delivery_status": m.delivery_status,
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                    "skip_reason": m.skip_reason,
                }
                for m in sorted(a.messages.all(), key=lambda m: m.pk)
            ],
        }
        for a in reversed(last)
    ]
    flag, created = NoShowFlag.objects.get_or_create(
        beneficiary=beneficiary, closed_at__isnull=True, defaults={"evidence": evidence}
    )
    if not created:
        flag.evidence = evidence
        flag.save(update_fields=["evidence"])
    return flag


@transaction.atomic
def no_show_flag_close(*, acting_user, flag):
    NoShowFlag.objects.filter(pk=flag.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=acting_user
    )


def convocations_batch(*, acting_user, people, channels):
    """Convoke many people at once: each booked on the first free slot of
    one of their current referents (the nearest place first) and convoked
    by the channels chosen, each person in their own transaction. Returns
    (appointments booked, people left without a free slot)."""
    from appointments.selectors import current_referent_ids, proposed_slots

    referents = current_referent_ids([p.pk for p in people])
    booked, left = [], []
    for person in people:
        appointment = None
        for slot in proposed_slots(person, referent_ids=referents.get(person.pk, []), limit=5):
            try:
                with transaction.atomic():
                    appointment = appointment_book(
                        acting_user=acting_user, beneficiary=person, slot=slot
                    )
                    convocation_send(
                        acting_user=acting_user, appointment=appointment, channels=channels
                    )
            except ValidationError:
                appointment = None
                continue
            break
        if appointment is None:
            left.append(person)
        else:
            booked.append(appointment)
    return booked, left
