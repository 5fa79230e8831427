"""A small Département whose convocations, attendances and first
appointments of March 2026 are known by construction, built through the
appointments' real services (booking, convocation, the outbox, the SMS
receipts, attendance), the clock frozen at each step.

The database stamps a message's `created_at` and a flag's `raised_at` with
its own clock: they are set after the fact to the moment of the step.

Département "Rendez-vous", territory Est, period [2026-03-01, 2026-04-01),
"today" 2026-07-01:

- P1: applied 2 March; booked 3 March for 6 March, convoked by SMS (then
  delivered), email and letter; seen on 6 March (4 days). Booked 20 March
  for 30 March, convoked by SMS (refused by the operator: failed), recorded
  as cancelled on 30 March;
- P2: applied 5 March, no phone; booked 6 March for 25 March, convoked by
  SMS (not sent: no phone) and email; no-show on 25 March (20 days); booked
  26 March for 28 March, convoked by email; no-show: flagged on 28 March;
- P3: applied 10 March; booked 10 March for 12 March, convoked by SMS (not
  delivered); excused (2 days). Booked 13 March for 20 March, cancelled
  on 14 March;
- P4: applied 1 March, never booked (15 days passed);
- P5: applied 31 March; booked and convoked by SMS at 23:30 that evening
  (accepted, no receipt) for 2 April (2 days); no-show on 2 April (April);
- P6: applied 20 February; booked and convoked by SMS on 27 February for
  1 March at 8:30 (no-show); booked 2 April for 10 April, no-show: flagged
  on 10 April (after the period).

March: SMS 5 written, 3 sent, 1 not sent, 1 failed, 1 delivered, 1 not
delivered (share 1/3); email 3 sent; letter 1 sent. Attendance: seen 1,
no-show 3, excused 1, cancelled 1: no-show rate 3/5. Entries P1-P5: 4 with a
first appointment (2, 2, 4, 20 days: median 3), 3 within 15 days, P4 past
15 days without: share 3/5. Flagged in March: P2 (open at the end).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from appointments import sms
from appointments.enums import Attendance, Channel, DeliveryStatus
from appointments.models import Message, NoShowFlag
from appointments.outbox import delivery_receipt, messages_send
from appointments.services import (
    appointment_book,
    appointment_cancel,
    attendance_record,
    convocation_send,
    slot_create,
)
from caseload.enums import StaffRole
from intake.people import beneficiary_create
from tests.appointments.factories import PlaceFactory
from tests.caseload.factories import (
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
)

PARIS = ZoneInfo("Europe/Paris")
START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 4, 1)
TODAY = datetime.date(2026, 7, 1)


def at(month, day, hour=12, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


class RefusingSmsBackend(sms.BaseSmsBackend):
    """An operator refusing the number for good."""

    def send(self, to, text, reference):
        raise sms.SmsError("numéro refusé", permanent=True)


@dataclass
class AppointmentWorld:
    departement: object
    est: object
    manager: object
    referent: object
    people: dict


def build_appointment_world():
    departement = DepartementFactory(code="78", name="Rendez-vous")
    est = TerritoryFactory(departement=departement, name="Est")
    structure = StructureFactory(departement=departement, name="Maison de l'insertion")
    manager = StaffProfileFactory(structure=structure, role=StaffRole.MANAGER, territories=[est])
    referent = StaffProfileFactory(structure=structure, territories=[est])
    place = PlaceFactory(territory=est, name="Maison du Département d'Est")
    acting = referent.user
    people = {}

    def create(key, applied, **contact):
        with time_machine.travel(datetime.datetime.combine(applied, datetime.time(9), PARIS)):
            people[key] = beneficiary_create(
                acting_user=acting,
                departement=departement,
                territory=est,
                caf_number=f"{7000 + len(people)}",
                household_role="demandeur",
                last_name=f"Personne {key}",
                first_name="Test",
                rsa_application_date=applied,
                **contact,
            )

    def book(key, when, starts_at, channels=(), backend="appointments.sms.LocmemSmsBackend"):
        """Book at `when` for `starts_at`, convoke by `channels`, send them."""
        with time_machine.travel(when, tick=False), override_settings(SMS_BACKEND=backend):
            slot = slot_create(
                acting_user=acting,
                referent=referent,
                place=place,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=45),
            )
            appointment = appointment_book(acting_user=acting, beneficiary=people[key], slot=slot)
            if channels:
                messages = convocation_send(
                    acting_user=acting, appointment=appointment, channels=channels
                )
                Message.objects.filter(pk__in=[m.pk for m in messages]).update(created_at=when)
                messages_send(message_ids=[m.pk for m in messages])
        return appointment

    def record(appointment, attendance):
        moment = appointment.slot.starts_at + datetime.timedelta(hours=1)
        with time_machine.travel(moment, tick=False):
            attendance_record(acting_user=acting, appointment=appointment, attendance=attendance)
        NoShowFlag.objects.filter(
            beneficiary=appointment.beneficiary, closed_at__isnull=True, raised_at__gt=moment
        ).update(raised_at=moment)

    def receipt(key, status):
        message = Message.objects.get(
            beneficiary=people[key], channel=Channel.SMS, provider_id__startswith="locmem"
        )
        delivery_receipt(provider_id=message.provider_id, delivery_status=status)

    phone = {"phone": "06 12 34 56 78"}
    email = {"email": "personne@example.org"}
    address = {"address_line": "3 allée des Tilleuls", "postcode": "45200", "city": "Est"}
    everything = phone | email | address
    sms.outbox.clear()

    create("P1", datetime.date(2026, 3, 2), **everything)
    first = book("P1", at(3, 3), at(3, 6, 10), ["sms", "email", "letter"])
    receipt("P1", DeliveryStatus.DELIVERED)
    record(first, Attendance.SEEN)
    second = book(
        "P1",
        at(3, 20),
        at(3, 30, 10),
        ["sms"],
        backend="tests.stats.appointment_world.RefusingSmsBackend",
    )
    record(second, Attendance.CANCELLED)

    create("P2", datetime.date(2026, 3, 5), **email)
    missed = book("P2", at(3, 6), at(3, 25, 10), ["sms", "email"])
    record(missed, Attendance.NO_SHOW)
    again = book("P2", at(3, 26), at(3, 28, 10), ["email"])
    record(again, Attendance.NO_SHOW)

    create("P3", datetime.date(2026, 3, 10), **phone)
    excused = book("P3", at(3, 10, 14), at(3, 12, 10), ["sms"])
    receipt("P3", DeliveryStatus.UNDELIVERED)
    record(excused, Attendance.EXCUSED)
    cancelled = book("P3", at(3, 13), at(3, 20, 10))
    with time_machine.travel(at(3, 14), tick=False):
        appointment_cancel(appointment=cancelled, acting_user=acting)

    create("P4", datetime.date(2026, 3, 1), **phone)

    create("P5", datetime.date(2026, 3, 31), **phone)
    late = book("P5", at(3, 31, 23, 30), at(4, 2, 9, 30), ["sms"])
    record(late, Attendance.NO_SHOW)

    create("P6", datetime.date(2026, 2, 20), **phone)
    early = book("P6", at(2, 27), at(3, 1, 8, 30), ["sms"])
    record(early, Attendance.NO_SHOW)
    april = book("P6", at(4, 2), at(4, 10, 10))
    record(april, Attendance.NO_SHOW)

    return AppointmentWorld(departement, est, manager, referent, people)
