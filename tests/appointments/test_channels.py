"""Convocations by SMS, email and letter through the outbox: who can
receive what, the short French texts, sending once with retries."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from appointments.channels import message_text, sms_number
from appointments.enums import Channel, DeliveryStatus, MessageStatus
from appointments.letters import letters_pdf
from appointments.models import Message
from appointments.outbox import messages_send
from appointments.services import appointment_book, convocation_send


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("06 12 34 56 78", "33612345678"),
        ("+33 7 81 22 33 44", "33781223344"),
        ("0692 12 34 56", "262692123456"),
        ("0696 11 22 33", "596696112233"),
    ],
)
def test_mobile_numbers_get_their_international_form(phone, expected):
    assert sms_number(phone) == (expected, None)


@pytest.mark.parametrize("phone", ["02 38 12 34 56", "09 51 12 34 56", "0262 12 34 56"])
def test_landlines_are_skipped_with_a_reason(phone):
    number, reason = sms_number(phone)
    assert number is None
    assert reason == "numéro fixe : ne reçoit pas de SMS"


def _convoke(referent, person, slot, channels=(Channel.SMS, Channel.EMAIL, Channel.LETTER)):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot)
    convocation_send(acting_user=referent.user, appointment=appointment, channels=channels)
    return appointment


def test_a_convocation_is_one_outbox_row_per_channel(referent, person, slot_at):
    appointment = _convoke(referent, person, slot_at())
    rows = Message.objects.filter(appointment=appointment)
    assert sorted(rows.values_list("channel", "status")) == [
        ("email", "pending"),
        ("letter", "pending"),
        ("sms", "pending"),
    ]


def test_convoking_twice_for_the_same_date_writes_nothing_more(referent, person, slot_at):
    appointment = _convoke(referent, person, slot_at())
    convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    assert Message.objects.filter(appointment=appointment).count() == 3


def test_a_person_with_a_landline_gets_no_sms_and_the_reason_is_kept(
    referent, new_applicant, slot_at
):
    person = new_applicant(followed_by=referent, phone="02 38 12 34 56")
    appointment = _convoke(referent, person, slot_at(), channels=[Channel.SMS, Channel.EMAIL])
    sms_row = Message.objects.get(appointment=appointment, channel=Channel.SMS)
    email_row = Message.objects.get(appointment=appointment, channel=Channel.EMAIL)
    assert sms_row.status == MessageStatus.SKIPPED
    assert sms_row.skip_reason == "numéro fixe : ne reçoit pas de SMS"
    assert email_row.skip_reason == "pas d'adresse électronique"


def test_the_sms_says_only_first_name_date_time_place_and_the_link(referent, person, slot_at):
    appointment = _convoke(referent, person, slot_at(), channels=[Channel.SMS])
    text = message_text(Message.objects.get(appointment=appointment))
    assert text.startswith("Bonjour Awa, vous avez rendez-vous le ")
    assert "09h30" in text and "Maison du Département de Montargis" in text
    assert "Traoré" not in text and "Tilleuls" not in text
    assert "/rdv/" in text


def test_the_command_sends_the_outbox_once_and_reports_it(referent, person, slot_at, locmem_sms):
    _convoke(referent, person, slot_at())
    out = io.StringIO()
    call_command("send_messages", stdout=out)
    assert out.getvalue().strip() == "sent: 3, failed: 0"
    assert len(locmem_sms) == 1 and locmem_sms[0]["to"] == "33612345678"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["awa@example.org"]
    letter = Message.objects.get(channel=Channel.LETTER)
    assert letter.status == MessageStatus.SENT
    assert letter.delivery_status == DeliveryStatus.TO_PRINT
    out = io.StringIO()
    call_command("send_messages", stdout=out)
    assert out.getvalue().strip() == "sent: 0, failed: 0"
    assert len(locmem_sms) == 1 and len(mail.outbox) == 1


class _Down:
    def send(self, to, text, reference):
        raise ConnectionError("provider down")


def test_a_failed_send_waits_with_backoff_then_is_retried(referent, person, slot_at, settings):
    _convoke(referent, person, slot_at(), channels=[Channel.SMS])
    settings.SMS_BACKEND = "tests.appointments.test_channels._Down"
    assert messages_send() == (0, 1)
    row = Message.objects.get()
    assert row.status == MessageStatus.PENDING
    assert row.attempts == 1 and row.last_error == "ConnectionError"
    assert messages_send() == (0, 0)  # not due before its backoff
    settings.SMS_BACKEND = "appointments.sms.LocmemSmsBackend"
    later = row.next_attempt_at + datetime.timedelta(seconds=1)
    assert messages_send(now=later) == (1, 0)
    assert Message.objects.get().status == MessageStatus.SENT


def test_the_letter_names_the_date_the_place_and_the_referent(referent, person, slot_at):
    appointment = _convoke(referent, person, slot_at(), channels=[Channel.LETTER])
    text = PdfReader(io.BytesIO(letters_pdf([appointment]))).pages[0].extract_text()
    assert "Conseil départemental" in text
    assert "Maison du Département de Montargis" in text
    assert "09h30" in text
    assert referent.user.get_full_name() in text
    assert "Bus ligne 2" in text
