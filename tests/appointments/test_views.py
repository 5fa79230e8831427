"""The staff pages: convoking from the record, the agenda and its
attendance list, the "à convoquer" list and its batch, the letters; each
scoped to what the user may see, with constant queries."""

import datetime
import io

import pytest
import time_machine
from pypdf import PdfReader

from appointments.enums import AppointmentStatus, Attendance, Channel, MessageStatus
from appointments.models import Appointment, Message
from appointments.services import appointment_book
from pathways.enums import DeadlineKind
from pathways.models import Deadline
from tests.caseload.factories import StaffProfileFactory


@pytest.fixture
def stranger(territory):
    """A referent of the same territory who does not follow the person."""
    return StaffProfileFactory(
        structure__departement=territory.departement, territories=[territory]
    )


def test_a_referent_books_and_convokes_from_the_record(login, referent, person, slot_at):
    slot = slot_at()
    client = login(referent)
    page = client.get(f"/portefeuille/personnes/{person.pk}/convoquer/").content.decode()
    assert "Maison du Département de Montargis" in page
    response = client.post(
        f"/portefeuille/personnes/{person.pk}/convoquer/",
        {"slot": slot.pk, "channels": [Channel.SMS, Channel.EMAIL, Channel.LETTER]},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(beneficiary=person)
    assert appointment.slot_id == slot.pk
    assert (
        Message.objects.filter(appointment=appointment, status=MessageStatus.PENDING).count() == 3
    )


def test_a_convocation_without_channel_is_refused_in_french(login, referent, person, slot_at):
    slot = slot_at()
    response = login(referent).post(
        f"/portefeuille/personnes/{person.pk}/convoquer/", {"slot": slot.pk}
    )
    assert response.status_code == 422
    assert "Choisissez au moins un moyen de convocation." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_referent_who_does_not_follow_the_person_cannot_convoke(login, stranger, person):
    response = login(stranger).get(f"/portefeuille/personnes/{person.pk}/convoquer/")
    assert response.status_code == 404


def test_a_manager_reads_but_does_not_convoke_from_the_record(login, manager, person):
    response = login(manager).get(f"/portefeuille/personnes/{person.pk}/convoquer/")
    assert response.status_code == 403


def test_the_record_section_and_the_letter_are_scoped(login, referent, stranger, person, slot_at):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    assert (
        login(referent).get(f"/portefeuille/personnes/{person.pk}/rendez-vous/").status_code == 200
    )
    response = login(referent).get(f"/rendez-vous/{appointment.pk}/courrier.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert (
        login(stranger).get(f"/portefeuille/personnes/{person.pk}/rendez-vous/").status_code == 404
    )
    assert login(stranger).get(f"/rendez-vous/{appointment.pk}/courrier.pdf").status_code == 404


def test_the_agenda_lists_the_week_and_what_is_still_unrecorded(login, referent, person, slot_at):
    slot = slot_at()
    appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    client = login(referent)
    day = slot.starts_at.date().isoformat()
    page = client.get(f"/agenda/?jour={day}").content.decode()
    assert "TRAORÉ Awa" in page and "Toutes les présences sont saisies." in page
    with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=5)):
        page = login(referent).get("/agenda/").content.decode()
        assert "Présence d’Awa" in page
        appointment = Appointment.objects.get()
        response = login(referent).post(
            f"/rendez-vous/{appointment.pk}/presence/", {"attendance": Attendance.SEEN}
        )
    assert response.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.RECORDED
    entry = Deadline.objects.get(pathway__beneficiary=person, kind=DeadlineKind.ENTRY)
    assert entry.met_on is not None


def test_another_referent_cannot_record_the_attendance(login, referent, stranger, person, slot_at):
    slot = slot_at()
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    with time_machine.travel(slot.ends_at + datetime.timedelta(minutes=5)):
        response = login(stranger).post(
            f"/rendez-vous/{appointment.pk}/presence/", {"attendance": Attendance.SEEN}
        )
    assert response.status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_a_referent_adds_a_slot_from_the_agenda(login, referent, place):
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = login(referent).post(
        "/agenda/creneaux/nouveau/",
        {
            "place": place.pk,
            "day": day,
            "start": "14:00",
            "end": "15:00",
            "kind": "collective",
            "capacity": 8,
            "title": "Information collective",
        },
    )
    assert response.status_code == 302
    assert referent.slots.get().capacity == 8


def test_a_slot_ending_before_it_starts_is_refused_in_french(login, referent, place):
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = login(referent).post(
        "/agenda/creneaux/nouveau/",
        {
            "place": place.pk,
            "day": day,
            "start": "14:00",
            "end": "13:00",
            "kind": "individual",
            "capacity": 1,
        },
    )
    assert response.status_code == 422
    assert "La fin du créneau doit suivre son début." in response.content.decode()


def test_the_list_to_convoke_holds_only_open_deadlines_without_appointment(
    login, referent, person, new_applicant, stranger, slot_at
):
    booked = new_applicant(followed_by=referent, first_name="Booked")
    appointment_book(acting_user=referent.user, beneficiary=booked, slot=slot_at())
    new_applicant(followed_by=stranger, first_name="Ailleurs")
    page = login(referent).get("/a-convoquer/").content.decode()
    assert "TRAORÉ Awa" in page
    assert "Booked" not in page and "Ailleurs" not in page


def test_a_manager_convokes_in_batch_and_prints_one_pdf(
    login, manager, referent, person, new_applicant, slot_at
):
    other = new_applicant(
        followed_by=referent,
        first_name="Léa",
        last_name="Morel",
        address_line="1 rue Haute",
        postcode="45200",
        city="Montargis",
    )
    first = slot_at()
    slot_at(first.starts_at + datetime.timedelta(hours=1))
    client = login(manager)
    assert "TRAORÉ Awa" in client.get("/a-convoquer/").content.decode()
    response = client.post(
        "/a-convoquer/convoquer/", {"people": [person.pk, other.pk], "channels": [Channel.LETTER]}
    )
    assert response.status_code == 200
    assert Appointment.objects.active().count() == 2
    ids = list(Appointment.objects.values_list("pk", flat=True))
    pdf = client.post("/rendez-vous/courriers.pdf", {"appointments": ids})
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 2
    assert "Traoré" in reader.pages[0].extract_text() + reader.pages[1].extract_text()


def test_the_agenda_and_the_list_keep_a_constant_number_of_queries(
    login, referent, new_applicant, slot_at
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(referent)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    start = slot_at().starts_at
    day = start.date().isoformat()
    counts = []
    for size in (1, 6):
        for index in range(size):
            person = new_applicant(followed_by=referent, first_name=f"P{size}{index}")
            if index % 2:
                appointment_book(
                    acting_user=referent.user,
                    beneficiary=person,
                    slot=slot_at(start + datetime.timedelta(hours=size * 10 + index)),
                )
        counts.append((count(f"/agenda/?jour={day}"), count("/a-convoquer/")))
    assert counts[0] == counts[1]


def test_the_manager_sees_the_people_flagged_after_two_no_shows(login, manager, referent, person):
    from appointments.models import NoShowFlag

    NoShowFlag.objects.create(
        beneficiary=person,
        evidence=[
            {
                "date": "2026-12-07T09:30:00+01:00",
                "place": "Maison du Département",
                "messages": [
                    {
                        "kind": "convocation",
                        "channel": "sms",
                        "status": "sent",
                        "delivery_status": "delivered",
                    }
                ],
            }
        ],
    )
    page = login(manager).get("/a-convoquer/").content.decode()
    assert "Deux absences de suite" in page
    assert "Absence du 07/12/2026 — Maison du Département" in page
    assert "Convocation — SMS : envoyé (remis)" in page
    assert "Deux absences de suite" not in login(referent).get("/a-convoquer/").content.decode()
