"""The Brevo adapter against a local HTTP server speaking Brevo's
transactional SMS API (send, error), and its delivery-receipt webhook."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from appointments.enums import Channel, DeliveryStatus, MessageStatus
from appointments.models import Message
from appointments.outbox import messages_send
from appointments.services import appointment_book, convocation_send
from appointments.sms import BrevoSmsBackend, SmsError


class _FakeBrevo(BaseHTTPRequestHandler):
    """POST /v3/transactionalSMS/send: 201 with a messageId, or Brevo's
    error shape for a recipient it refuses."""

    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(
            {"path": self.path, "api_key": self.headers.get("api-key"), "body": body}
        )
        if self.path != "/v3/transactionalSMS/send" or self.headers.get("api-key") != "k-test":
            self._answer(401, {"code": "unauthorized", "message": "Key not found"})
        elif body["recipient"].startswith("33699"):
            self._answer(400, {"code": "invalid_parameter", "message": "Invalid phone number"})
        elif body["recipient"].startswith("33698"):
            self._answer(503, {"code": "unavailable", "message": "Try later"})
        else:
            self._answer(
                201,
                {
                    "reference": "ab12",
                    "messageId": 1511882900176220,
                    "smsCount": 1,
                    "usedCredits": 1,
                    "remainingCredits": 99,
                },
            )

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def brevo(settings):
    _FakeBrevo.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeBrevo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "appointments.sms.BrevoSmsBackend"
    settings.SMS_BREVO_API_URL = f"http://127.0.0.1:{server.server_port}/v3"
    settings.SMS_BREVO_API_KEY = "k-test"
    settings.SMS_SENDER = "Departement"
    settings.SMS_WEBHOOK_TOKEN = "secret-webhook"
    yield _FakeBrevo
    server.shutdown()
    server.server_close()


def test_brevo_send_posts_the_documented_body_and_returns_the_message_id(brevo):
    provider_id = BrevoSmsBackend().send("33612345678", "Bonjour", "key-1")
    assert provider_id == "1511882900176220"
    (request,) = brevo.received
    assert request["api_key"] == "k-test"
    assert request["body"]["recipient"] == "33612345678"
    assert request["body"]["type"] == "transactional"
    assert request["body"]["webUrl"].endswith("/rdv/sms/recus/secret-webhook/")


def test_brevo_refusing_a_number_is_a_permanent_error(brevo):
    with pytest.raises(SmsError) as error:
        BrevoSmsBackend().send("33699000000", "Bonjour", "key-2")
    assert error.value.permanent
    assert "invalid_parameter" in str(error.value)


def test_a_refused_sms_is_given_up_and_a_provider_outage_retried(
    brevo, referent, new_applicant, slot_at
):
    refused = new_applicant(followed_by=referent, phone="06 99 00 00 00")
    busy = new_applicant(followed_by=referent, phone="06 98 00 00 00")
    for person in (refused, busy):
        appointment = appointment_book(
            acting_user=referent.user,
            beneficiary=person,
            slot=slot_at(kind="collective", capacity=1),
        )
        convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    assert messages_send() == (0, 2)
    assert Message.objects.get(beneficiary=refused).status == MessageStatus.FAILED
    assert Message.objects.get(beneficiary=busy).status == MessageStatus.PENDING


def test_a_delivery_receipt_marks_the_sms_delivered(brevo, client, referent, person, slot_at):
    appointment = appointment_book(acting_user=referent.user, beneficiary=person, slot=slot_at())
    convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    assert messages_send() == (1, 0)
    row = Message.objects.get()
    assert row.provider_id == "1511882900176220"
    assert row.delivery_status == DeliveryStatus.ACCEPTED
    receipt = {
        "event": "delivered",
        "messageId": 1511882900176220,
        "to": "33612345678",
        "date": "2026-12-07 09:31:00",
        "type": "sms",
        "tag": "convocation-rsa",
    }
    response = client.post(
        "/rdv/sms/recus/secret-webhook/", json.dumps(receipt), content_type="application/json"
    )
    assert response.json() == {"updated": 1}
    row.refresh_from_db()
    assert row.delivery_status == DeliveryStatus.DELIVERED
    assert row.delivered_at is not None


def test_a_receipt_with_a_wrong_secret_is_ignored(brevo, client):
    response = client.post("/rdv/sms/recus/guess/", "{}", content_type="application/json")
    assert response.status_code == 404
