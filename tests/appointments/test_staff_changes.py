"""What the staff do after booking: invite before any slot is fixed (from
the record and in batch from the "à convoquer" list), move or cancel an
appointment with the person told, close a no-show flag; and what the
record shows of each message."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from appointments.enums import (
    AppointmentStatus,
    Channel,
    DeliveryStatus,
    InvitationStatus,
    MessageKind,
    MessageStatus,
)
from appointments.models import Appointment, Invitation, Message, NoShowFlag, Slot
from appointments.outbox import messages_send
from appointments.reminders import reminders_scan
from appointments.services import appointment_book, convocation_send
from tests.appointments.factories import SlotFactory
from tests.caseload.factories import StaffProfileFactory


@pytest.fixture
def booked(referent, person, slot_at):
    """Awa booked in 5 days, convoked by SMS and letter (not sent yet)."""
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    convocation_send(
        acting_user=referent.user, appointment=appointment, channels=[Channel.SMS, Channel.LETTER]
    )
    return appointment


def history_of(model_name, obj):
    return apps.get_model("appointments", model_name).objects.filter(pgh_obj_id=obj.pk)


# --- Invitations ---------------------------------------------------------------------


def test_a_referent_invites_the_person_from_the_record(login, referent, person):
    client = login(referent)
    page = client.get(f"/portefeuille/personnes/{person.pk}/inviter/").content.decode()
    assert "relancée au bout de 3 jours" in page and "expire après 10 jours" in page

    response = client.post(
        f"/portefeuille/personnes/{person.pk}/inviter/",
        {"channels": [Channel.SMS, Channel.EMAIL]},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(beneficiary=person)
    assert invitation.referent == referent
    assert invitation.expires_on == timezone.localdate() + datetime.timedelta(days=10)
    assert sorted(invitation.messages.values_list("channel", flat=True)) == ["email", "sms"]


def test_a_second_invitation_is_refused_while_one_waits(login, referent, person):
    client = login(referent)
    url = f"/portefeuille/personnes/{person.pk}/inviter/"
    client.post(url, {"channels": [Channel.SMS]})

    response = client.post(url, {"channels": [Channel.SMS]})

    assert response.status_code == 422
    assert "Une invitation attend déjà la réponse" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_a_person_reachable_neither_by_sms_nor_email_is_not_invited(login, referent, new_applicant):
    person = new_applicant(followed_by=referent, phone="02 38 12 34 56", email="")

    response = login(referent).post(
        f"/portefeuille/personnes/{person.pk}/inviter/",
        {"channels": [Channel.SMS, Channel.EMAIL]},
    )

    assert response.status_code == 422
    assert "convoquez-la par courrier" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_manager_invites_the_ticked_people_each_for_their_referent(
    login, manager, referent, person, new_applicant
):
    unreachable = new_applicant(followed_by=referent, phone="", email="", last_name="Sansnum")
    client = login(manager)

    response = client.post(
        "/a-convoquer/inviter/",
        {"people": [person.pk, unreachable.pk], "channels": [Channel.SMS, Channel.EMAIL]},
        follow=True,
    )

    page = response.content.decode()
    assert "1 invitation(s) envoyée(s)" in page
    assert "Sansnum" in page
    invitation = Invitation.objects.get()
    assert (invitation.beneficiary, invitation.referent) == (person, referent)
    expires = invitation.expires_on.strftime("%d/%m/%Y")
    assert f"au {expires}" in client.get("/a-convoquer/").content.decode()


def test_an_invitation_goes_out_is_reminded_after_three_days_and_expires(
    login, client, referent, person, locmem_sms
):
    with time_machine.travel("2026-03-02 10:00 +01:00"):
        login(referent).post(
            f"/portefeuille/personnes/{person.pk}/inviter/", {"channels": [Channel.SMS]}
        )
        messages_send()
    assert len(locmem_sms) == 1 and "/rdv/" in locmem_sms[0]["text"]
    link = "/rdv/" + locmem_sms[0]["text"].split("/rdv/")[1].split()[0]
    with time_machine.travel("2026-03-05 10:00 +01:00"):
        reminders_scan()
        messages_send()
        reminders_scan()
        messages_send()
    assert len(locmem_sms) == 2
    assert Message.objects.get(kind=MessageKind.INVITATION_REMINDER).status == MessageStatus.SENT
    with time_machine.travel("2026-03-13 10:00 +01:00"):
        reminders_scan()
        refused = client.get(link)
    assert Invitation.objects.get().status == InvitationStatus.EXPIRED
    assert refused.status_code == 404


# --- Moving and cancelling -------------------------------------------------------------


def test_a_referent_moves_an_appointment_and_the_person_is_told_by_the_same_channels(
    login, referent, booked, slot_at
):
    later = slot_at(booked.slot.starts_at + datetime.timedelta(days=1))
    client = login(referent)
    page = client.get(f"/rendez-vous/{booked.pk}/deplacer/").content.decode()
    assert f'value="{later.pk}"' in page

    response = client.post(f"/rendez-vous/{booked.pk}/deplacer/", {"slot": later.pk})

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.slot_id == later.pk
    assert Slot.objects.get(pk=later.pk).booked_count == 1
    assert Slot.objects.exclude(pk=later.pk).get().booked_count == 0
    notices = Message.objects.filter(appointment=booked, kind=MessageKind.RESCHEDULED)
    assert sorted(notices.values_list("channel", flat=True)) == ["letter", "sms"]
    old_sms = Message.objects.get(kind=MessageKind.CONVOCATION, channel=Channel.SMS)
    assert old_sms.status == MessageStatus.CANCELLED


def test_the_move_is_in_the_appointments_history_with_its_author(login, referent, booked, slot_at):
    later = slot_at(booked.slot.starts_at + datetime.timedelta(days=1))

    login(referent).post(f"/rendez-vous/{booked.pk}/deplacer/", {"slot": later.pk})

    event = history_of("AppointmentHistory", booked).filter(pgh_label="update").last()
    assert event.slot_id == later.pk
    assert event.pgh_context["user"] == referent.user.pk


def test_the_rescheduled_sms_names_the_new_date_only(login, referent, booked, slot_at, locmem_sms):
    later = slot_at(booked.slot.starts_at + datetime.timedelta(days=1, hours=2))
    login(referent).post(f"/rendez-vous/{booked.pk}/deplacer/", {"slot": later.pk})

    messages_send()

    texts = [sms["text"] for sms in locmem_sms]
    assert len(texts) == 1
    assert "déplacé" in texts[0] and "11h30" in texts[0] and "Awa" in texts[0]


def test_a_full_slot_or_another_referents_slot_is_not_offered(
    login, referent, booked, slot_at, new_applicant
):
    full = slot_at(booked.slot.starts_at + datetime.timedelta(days=1))
    appointment_book(acting_user=referent.user, beneficiary=new_applicant(), slot=full)
    elsewhere = SlotFactory(starts_at=booked.slot.starts_at + datetime.timedelta(days=2))

    response = login(referent).post(f"/rendez-vous/{booked.pk}/deplacer/", {"slot": full.pk})
    assert response.status_code == 422
    response = login(referent).post(f"/rendez-vous/{booked.pk}/deplacer/", {"slot": elsewhere.pk})
    assert response.status_code == 422
    booked.refresh_from_db()
    assert booked.slot.starts_at < full.starts_at


def test_a_collective_session_moves_only_to_another_date_of_the_same_session(
    login, referent, person, slot_at
):
    session = slot_at(collective=True)
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=session)
    same = slot_at(session.starts_at + datetime.timedelta(days=7), collective=True)
    other = slot_at(
        session.starts_at + datetime.timedelta(days=8), collective=True, title="Atelier CV"
    )

    page = login(referent).get(f"/rendez-vous/{appointment.pk}/deplacer/").content.decode()

    assert f'value="{same.pk}"' in page and f'value="{other.pk}"' not in page


def test_a_manager_moves_an_appointment_of_their_territory(login, manager, booked, slot_at):
    later = slot_at(booked.slot.starts_at + datetime.timedelta(days=1))

    response = login(manager).post(
        f"/rendez-vous/{booked.pk}/deplacer/", {"slot": later.pk, "depuis": "agenda"}
    )

    assert response.status_code == 302
    assert Appointment.objects.get(pk=booked.pk).slot_id == later.pk


def test_a_referent_who_does_not_follow_the_person_cannot_move_or_cancel(login, territory, booked):
    stranger = StaffProfileFactory(
        structure__departement=territory.departement, territories=[territory]
    )
    client = login(stranger)
    assert client.get(f"/rendez-vous/{booked.pk}/deplacer/").status_code == 404
    assert client.post(f"/rendez-vous/{booked.pk}/annuler/").status_code == 404
    assert Appointment.objects.get(pk=booked.pk).is_active


def test_staff_cancelling_frees_the_place_and_tells_the_person_but_posts_nothing(
    login, referent, booked, mailoutbox
):
    response = login(referent).post(f"/rendez-vous/{booked.pk}/annuler/", {"depuis": "agenda"})

    assert response.status_code == 302 and "/agenda/" in response["Location"]
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancelled_by == referent.user
    assert booked.slot.booked_count == 0
    notices = Message.objects.filter(kind=MessageKind.CANCELLATION)
    assert list(notices.values_list("channel", flat=True)) == [Channel.SMS]
    convocations = Message.objects.filter(kind=MessageKind.CONVOCATION)
    assert set(convocations.values_list("status", flat=True)) == {MessageStatus.CANCELLED}
    assert history_of("AppointmentHistory", booked).filter(status="cancelled").exists()


def test_a_cancelled_appointment_cannot_be_cancelled_again(login, referent, booked):
    client = login(referent)
    client.post(f"/rendez-vous/{booked.pk}/annuler/")

    response = client.post(f"/rendez-vous/{booked.pk}/annuler/", follow=True)

    assert "plus modifiable" in response.content.decode()
    assert Message.objects.filter(kind=MessageKind.CANCELLATION).count() == 1


def test_the_agenda_offers_to_move_and_cancel_what_is_to_come(login, referent, booked):
    day = timezone.localtime(booked.slot.starts_at).date().isoformat()

    page = login(referent).get(f"/agenda/?jour={day}").content.decode()

    assert f"/rendez-vous/{booked.pk}/deplacer/?depuis=agenda" in page
    assert f"/rendez-vous/{booked.pk}/annuler/" in page


# --- No-show flags ---------------------------------------------------------------------


@pytest.fixture
def flag(person):
    return NoShowFlag.objects.create(
        beneficiary=person,
        evidence=[
            {"date": "2026-12-01T09:30:00+01:00", "place": "Maison du Département", "messages": []}
        ],
    )


def test_the_manager_closes_a_flag_with_a_note(login, manager, flag):
    response = login(manager).post(
        f"/signalements-absences/{flag.pk}/traiter/", {"note": "Appel : nouvelle convocation"}
    )

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.closed_at is not None and flag.closed_by == manager.user
    assert flag.closing_note == "Appel : nouvelle convocation"
    event = history_of("NoShowFlagHistory", flag).filter(pgh_label="update").last()
    assert event.pgh_context["user"] == manager.user.pk


def test_a_flag_is_not_closed_without_a_note(login, manager, flag):
    response = login(manager).post(
        f"/signalements-absences/{flag.pk}/traiter/", {"note": "  "}, follow=True
    )

    assert "Dites en quelques mots la suite donnée." in response.content.decode()
    assert NoShowFlag.objects.get(pk=flag.pk).closed_at is None


def test_a_referent_cannot_close_a_flag(login, referent, flag):
    response = login(referent).post(f"/signalements-absences/{flag.pk}/traiter/", {"note": "Vu"})

    assert response.status_code == 403
    assert NoShowFlag.objects.get(pk=flag.pk).closed_at is None


def test_the_record_shows_the_open_flag_and_the_manager_closes_it_there(
    login, manager, referent, person, flag
):
    section = f"/portefeuille/personnes/{person.pk}/rendez-vous/"
    assert "Deux absences de suite" in login(referent).get(section).content.decode()
    assert "Clore le signalement" not in login(referent).get(section).content.decode()
    client = login(manager)
    assert "Clore le signalement" in client.get(section).content.decode()

    client.post(
        f"/signalements-absences/{flag.pk}/traiter/", {"note": "Rappelée", "depuis": "fiche"}
    )

    assert "traitées le" in client.get(section).content.decode()


# --- What became of each message ---------------------------------------------------------


def test_the_record_says_what_became_of_each_message(
    login, referent, person, slot_at, new_applicant
):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    convocation_send(
        acting_user=referent.user,
        appointment=appointment,
        channels=[Channel.SMS, Channel.EMAIL, Channel.LETTER],
    )
    messages_send()
    Message.objects.filter(channel=Channel.SMS).update(delivery_status=DeliveryStatus.DELIVERED)
    landline = new_applicant(followed_by=referent, phone="02 38 00 00 00", first_name="Zoé")
    other = appointment_book(
        acting_user=referent.user,
        beneficiary=landline,
        slot=slot_at(appointment.slot.starts_at + datetime.timedelta(hours=2)),
    )
    convocation_send(acting_user=referent.user, appointment=other, channels=[Channel.SMS])
    client = login(referent)

    page = client.get(f"/portefeuille/personnes/{person.pk}/rendez-vous/").content.decode()
    assert "SMS : remis au téléphone" in page
    assert "Courriel : envoyé (un courriel n&#x27;a pas d&#x27;accusé de réception)" in page
    assert "Courrier : courrier à imprimer et poster" in page
    page = client.get(f"/portefeuille/personnes/{landline.pk}/rendez-vous/").content.decode()
    assert "non envoyé : numéro fixe : ne reçoit pas de SMS" in page


def test_a_message_given_up_says_why(referent, booked):
    Message.objects.filter(channel=Channel.SMS).update(
        status=MessageStatus.FAILED, last_error="numéro refusé par l'opérateur"
    )

    assert (
        Message.objects.get(channel=Channel.SMS).outcome
        == "échec de l'envoi : numéro refusé par l'opérateur"
    )


def test_the_record_section_keeps_a_constant_number_of_queries(login, referent, person, slot_at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(referent)
    url = f"/portefeuille/personnes/{person.pk}/rendez-vous/"
    start = slot_at().starts_at
    counts = []
    for size in (1, 4):
        for index in range(size):
            appointment = appointment_book(
                acting_user=referent.user,
                beneficiary=person,
                slot=slot_at(start + datetime.timedelta(days=size * 10 + index)),
            )
            convocation_send(
                acting_user=referent.user, appointment=appointment, channels=[Channel.SMS]
            )
        NoShowFlag.objects.create(beneficiary=person, closed_at=timezone.now())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_referents_list_to_convoke_links_each_person_to_convoke_or_invite(
    login, referent, manager, person
):
    page = login(referent).get("/a-convoquer/").content.decode()

    assert f"/portefeuille/personnes/{person.pk}/inviter/" in page
    assert f"/portefeuille/personnes/{person.pk}/convoquer/" in page
    assert "/a-convoquer/inviter/" in page
    manager_page = login(manager).get("/a-convoquer/").content.decode()
    assert f"/portefeuille/personnes/{person.pk}/inviter/" not in manager_page


def test_a_past_appointment_is_not_moved_but_its_attendance_recorded(referent, booked, slot_at):
    from django.core.exceptions import ValidationError

    from appointments.services import appointment_reschedule

    later = slot_at(booked.slot.starts_at + datetime.timedelta(days=2))
    after = booked.slot.ends_at + datetime.timedelta(minutes=5)
    with (
        time_machine.travel(after),
        pytest.raises(ValidationError, match="saisissez la présence"),
    ):
        appointment_reschedule(acting_user=referent.user, appointment=booked, to_slot=later)
    assert Appointment.objects.get(pk=booked.pk).slot_id == booked.slot_id
