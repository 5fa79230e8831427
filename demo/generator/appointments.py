"""Pass 4: the demo referents' agendas. For each demo referent: a few
places of their territory (a structure's address, a partner's room, a phone
call), individual slots on weekdays from two weeks ago to three weeks ahead
and a weekly collective session; some of the people they follow booked on
them (seen, no-show or excused in the past; booked or confirmed to come),
each with their convocation messages (SMS delivered, email sent, letter to
print, or skipped with the reason); one person flagged after two no-shows.

A few hundred rows, written with `bulk_create`: the seed's time hardly moves.
The people the referents follow keep most of their "à convoquer" list."""

import datetime

from django.utils import timezone

from appointments.channels import channel_recipient
from appointments.enums import (
    AppointmentStatus,
    Attendance,
    Channel,
    DeliveryStatus,
    MessageKind,
    MessageStatus,
    PlaceKind,
    SlotKind,
)
from appointments.models import Appointment, Message, NoShowFlag, Place, Slot
from beneficiaries.models import Beneficiary
from caseload.enums import StaffRole
from caseload.models import Assignment, StaffProfile

PAST_DAYS = 14
FUTURE_DAYS = 21
INDIVIDUAL_TIMES = [(9, 30), (10, 30), (14, 0), (15, 0)]
SESSION_TIME = (14, 0)
SESSION_WEEKDAY = 3  # Thursday
SESSION_TITLE = "Réunion d'information collective"
SESSION_CAPACITY = 8
BOOKED_SHARE_PAST = 0.7
BOOKED_SHARE_FUTURE = 0.5


class AppointmentsMixin:
    """The demo referents' places, slots and appointments (after the people)."""

    def create_appointments(self):
        referents = list(
            StaffProfile.objects.filter(
                user_id__in=self.demo_user_ids, role__in=StaffRole.referent_roles()
            )
            .prefetch_related("territories__communes")
            .order_by("pk")
        )
        places_by_territory = {}
        slots, plan = [], []
        for referent in referents:
            territory = next(iter(referent.territories.all()), None)
            if territory is None:
                continue
            if territory.pk not in places_by_territory:
                places_by_territory[territory.pk] = self._demo_places(territory)
            people = list(
                Beneficiary.objects.filter(
                    pk__in=Assignment.objects.filter(staff=referent, ended_at__isnull=True).values(
                        "beneficiary_id"
                    )
                ).order_by("pk")[:60]
            )
            slots_of_referent = self._demo_slots(referent, places_by_territory[territory.pk])
            slots.extend(slots_of_referent)
            plan.append((referent, slots_of_referent, people))
        Slot.objects.bulk_create(slots)
        appointments, messages, flags = [], [], []
        flagged_ids = set()
        for referent, referent_slots, people in plan:
            self._book_demo(referent, referent_slots, people, appointments, flags, flagged_ids)
        # Booked in an earlier agenda, the flagged are taken out of the later ones.
        missed = {id(a) for _person, pair in flags for a in pair}
        kept = []
        for appointment in appointments:
            if appointment.beneficiary.pk in flagged_ids and id(appointment) not in missed:
                appointment.slot.booked_count -= 1
                continue
            kept.append(appointment)
        appointments = kept
        Appointment.objects.bulk_create(appointments)
        for appointment in appointments:
            messages.extend(self._demo_messages(appointment))
        Message.objects.bulk_create(messages)
        by_appointment = {}
        for message in messages:
            by_appointment.setdefault(message.appointment.pk, []).append(message)
        NoShowFlag.objects.bulk_create(
            [self._demo_flag(person, pair, by_appointment) for person, pair in flags]
        )
        Slot.objects.bulk_update(slots, ["booked_count"])
        self.counts.update(
            {
                "places": sum(len(p) for p in places_by_territory.values()),
                "slots": len(slots),
                "appointments": len(appointments),
                "messages": len(messages),
            }
        )

    # -- places and slots

    def _demo_places(self, territory):
        commune = next(iter(territory.communes.all()), None)
        city = commune.name if commune else territory.name
        postcode = commune.postcode if commune else ""
        return Place.objects.bulk_create(
            [
                Place(
                    territory=territory,
                    commune=commune,
                    kind=PlaceKind.STRUCTURE,
                    name=f"Maison du Département de {city}",
                    address_line="12 rue de la République",
                    postcode=postcode,
                    city=city,
                    access_notes="Rez-de-chaussée, accessible en fauteuil. Bus : arrêt Mairie.",
                ),
                Place(
                    territory=territory,
                    commune=commune,
                    kind=PlaceKind.PARTNER_ROOM,
                    name=f"Salle du centre social de {city}",
                    address_line="3 place du Marché",
                    postcode=postcode,
                    city=city,
                    access_notes="Sonner à l'interphone « accueil ».",
                ),
                Place(territory=territory, kind=PlaceKind.PHONE, name="Appel téléphonique"),
            ]
        )

    def _demo_slots(self, referent, places):
        structure, room, phone = places
        slots = []
        for offset in range(-PAST_DAYS, FUTURE_DAYS + 1):
            day = self.today + datetime.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for index, (hour, minute) in enumerate(INDIVIDUAL_TIMES):
                if self.rng.random() < 0.25:
                    continue
                start = self.at(day, hour, minute)
                place = phone if index == 3 else (room if day.weekday() == 1 else structure)
                slots.append(
                    Slot(
                        referent=referent,
                        place=place,
                        kind=SlotKind.INDIVIDUAL,
                        capacity=1,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(minutes=45),
                    )
                )
            if day.weekday() == SESSION_WEEKDAY:
                start = self.at(day, *SESSION_TIME)
                slots.append(
                    Slot(
                        referent=referent,
                        place=structure,
                        kind=SlotKind.COLLECTIVE,
                        capacity=SESSION_CAPACITY,
                        title=SESSION_TITLE,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=2),
                    )
                )
        return slots

    # -- appointments

    def _book_demo(self, referent, slots, people, appointments, flags, flagged_ids):
        """Book people on the slots in turn (never twice at once on the
        future ones). One person missed two appointments in a row: flagged.
        Some of the last two days' appointments are left to record."""
        if not people:
            return
        now = timezone.now()
        # A person followed by a binôme is in both agendas: the flagged one
        # is in neither rotation.
        queue = [p for p in people if p.pk not in flagged_ids]
        if not queue:
            return
        self.rng.shuffle(queue)
        flagged, queue = queue[0], queue[1:] or queue
        flagged_ids.add(flagged.pk)
        past_individual = [s for s in slots if s.starts_at < now and s.capacity == 1]
        missed_slots = (
            {past_individual[0].pk, past_individual[len(past_individual) // 2].pk}
            if len(past_individual) >= 2
            else set()
        )
        missed, booked_ahead, cursor = [], set(), 0
        for slot in slots:
            past = slot.starts_at < now
            if slot.pk in missed_slots:
                appointment = self._demo_recorded(
                    Appointment(beneficiary=flagged, slot=slot, booked_by=referent.user),
                    referent,
                    Attendance.NO_SHOW,
                )
                missed.append(appointment)
                slot.booked_count += 1
                appointments.append(appointment)
                continue
            share = BOOKED_SHARE_PAST if past else BOOKED_SHARE_FUTURE
            # A referent with fewer people than a collective slot has seats:
            # the rotation comes back to someone already in the slot.
            in_slot = set()
            for _place in range(slot.capacity):
                if self.rng.random() > share:
                    continue
                person = queue[cursor % len(queue)]
                cursor += 1
                if person.pk in in_slot or (not past and person.pk in booked_ahead):
                    continue
                in_slot.add(person.pk)
                appointment = Appointment(beneficiary=person, slot=slot, booked_by=referent.user)
                if past:
                    recent = slot.starts_at > now - datetime.timedelta(days=2)
                    if not (recent and self.rng.random() < 0.5):
                        self._demo_recorded(appointment, referent, self._demo_attendance())
                else:
                    booked_ahead.add(person.pk)
                    if self.rng.random() < 0.4:
                        appointment.status = AppointmentStatus.CONFIRMED
                        appointment.confirmed_at = now - datetime.timedelta(hours=3)
                slot.booked_count += 1
                appointments.append(appointment)
        if len(missed) == 2:
            flags.append((flagged, missed))

    def _demo_recorded(self, appointment, referent, attendance):
        appointment.status = AppointmentStatus.RECORDED
        appointment.attendance = attendance
        appointment.attendance_recorded_at = appointment.slot.ends_at + datetime.timedelta(hours=1)
        appointment.attendance_recorded_by = referent.user
        return appointment

    def _demo_attendance(self):
        draw = self.rng.random()
        if draw < 0.72:
            return Attendance.SEEN
        if draw < 0.9:
            return Attendance.NO_SHOW
        return Attendance.EXCUSED

    def _demo_messages(self, appointment):
        person = appointment.beneficiary
        sent_at = min(
            appointment.slot.starts_at - datetime.timedelta(days=7),
            timezone.now() - datetime.timedelta(hours=2),
        )
        rows = []
        for channel in (Channel.SMS, Channel.EMAIL, Channel.LETTER):
            recipient, reason = channel_recipient(person, channel)
            message = Message(
                beneficiary=person,
                appointment=appointment,
                kind=MessageKind.CONVOCATION,
                channel=channel,
                recipient=recipient or "",
                idempotency_key=f"demo:convocation:{appointment.pk}:{channel}",
            )
            if reason:
                message.status = MessageStatus.SKIPPED
                message.skip_reason = reason
            else:
                message.status = MessageStatus.SENT
                message.sent_at = sent_at
                message.attempts = 1
                message.delivery_status = {
                    Channel.SMS: DeliveryStatus.DELIVERED,
                    Channel.EMAIL: DeliveryStatus.UNKNOWN,
                    Channel.LETTER: DeliveryStatus.TO_PRINT,
                }[channel]
                if channel == Channel.SMS:
                    message.provider_id = f"demo-{appointment.pk}"
                    if self.rng.random() < 0.08:
                        message.delivery_status = DeliveryStatus.UNDELIVERED
                    else:
                        message.delivered_at = sent_at + datetime.timedelta(seconds=20)
            rows.append(message)
        return rows

    def _demo_flag(self, person, missed, by_appointment):
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
                    for m in by_appointment.get(a.pk, [])
                ],
            }
            for a in missed
        ]
        return NoShowFlag(beneficiary=person, evidence=evidence)
