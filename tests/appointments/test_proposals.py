"""What the staff are offered: the nearest place first, the agenda's day
view, and a person back in the "à convoquer" list after a no-show."""

import datetime

import time_machine

from appointments.enums import Attendance
from appointments.selectors import proposed_slots, to_convoke
from appointments.services import appointment_book, attendance_record
from beneficiaries.models import Beneficiary
from pathways.enums import DeadlineKind
from pathways.models import Deadline
from tests.appointments.factories import PlaceFactory, SlotFactory


def slot_of(referent, place, starts_at):
    return SlotFactory(
        referent=referent,
        place=place,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=45),
    )


def test_the_nearest_place_to_the_persons_commune_is_proposed_first(
    referent, person, territory, slot_at
):
    far = PlaceFactory(territory=territory, name="Antenne de Gien", postcode="45500", city="Gien")
    near = PlaceFactory(territory=territory, name="Maison de Montargis", postcode="45200")
    start = slot_at().starts_at
    earlier_far = slot_of(referent, far, start - datetime.timedelta(days=1))
    later_near = slot_of(referent, near, start + datetime.timedelta(days=1))

    proposed = list(proposed_slots(person, referent_ids=[referent.pk], limit=None))

    assert proposed.index(later_near) < proposed.index(earlier_far)


def test_the_agenda_shows_one_day_in_the_day_view(login, referent, territory, slot_at):
    start = slot_at().starts_at + datetime.timedelta(hours=2)
    first = slot_of(referent, PlaceFactory(territory=territory, name="Salle du jour"), start)
    slot_of(
        referent,
        PlaceFactory(territory=territory, name="Salle du lendemain"),
        start + datetime.timedelta(days=1),
    )
    client = login(referent)
    day = first.starts_at.date().isoformat()

    page = client.get(f"/agenda/?jour={day}&vue=jour").content.decode()
    assert "Salle du jour" in page
    assert "Salle du lendemain" not in page.split("titre-nouveau-creneau")[0]


def test_after_a_no_show_the_person_is_back_in_the_list_to_convoke(
    login, referent, person, slot_at
):
    slot = slot_at()
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    client = login(referent)
    assert "TRAORÉ Awa" not in client.get("/a-convoquer/").content.decode()
    with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=5)):
        attendance_record(
            acting_user=referent.user, appointment=appointment, attendance=Attendance.NO_SHOW
        )

    assert "TRAORÉ Awa" in client.get("/a-convoquer/").content.decode()


def test_a_person_to_convoke_is_listed_once_with_their_open_entry_deadline(person):
    entry = Deadline.objects.get(
        pathway__beneficiary=person, kind=DeadlineKind.ENTRY, met_on__isnull=True
    )

    listed = list(to_convoke(Beneficiary.objects.filter(pk=person.pk)))

    assert [(p.pk, p.entry_due_on) for p in listed] == [(person.pk, entry.due_on)]
