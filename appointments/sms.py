"""SMS backends, chosen by the `SMS_BACKEND` setting (like Django's email
backends). Each has `send(to, text, reference)` returning the provider's id
of the message, or raising `SmsError`."""

import json
import logging
import sys
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from appointments.enums import DeliveryStatus

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A send that failed. `permanent`: trying again cannot help (a number
    the provider refuses); otherwise the outbox retries with backoff."""

    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


def get_backend():
    return import_string(settings.SMS_BACKEND)()


class BaseSmsBackend:
    def send(self, to, text, reference):
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each SMS to the standard output (development)."""

    def send(self, to, text, reference):
        sys.stdout.write(f"SMS à {to} : {text}\n")
        return f"console-{uuid.uuid4().hex}"


class FileSmsBackend(BaseSmsBackend):
    """Writes each SMS as one JSON line in a file under `SMS_FILE_PATH`:
    nothing leaves the machine (the default)."""

    _lock = threading.Lock()

    def send(self, to, text, reference):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        provider_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps({"id": provider_id, "to": to, "text": text, "reference": reference})
        with self._lock, (folder / "sms.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return provider_id


# Tests read what was sent here (like Django's locmem email backend).
outbox = []


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, to, text, reference):
        provider_id = f"locmem-{len(outbox) + 1}"
        outbox.append({"id": provider_id, "to": to, "text": text, "reference": reference})
        return provider_id


class BrevoSmsBackend(BaseSmsBackend):
    """Brevo's transactional SMS API: `POST {SMS_BREVO_API_URL}/transactionalSMS/send`
    with the `api-key` header and a JSON body (sender, recipient in
    international form without "+", content, type "transactional", tag,
    webUrl for the delivery receipts); answers 201 with `messageId`, or 4xx
    with `code` and `message`."""

    def send(self, to, text, reference):
        body = {
            "sender": settings.SMS_SENDER[:11],
            "recipient": to,
            "content": text,
            "type": "transactional",
            "tag": "convocation-rsa",
        }
        if settings.SMS_WEBHOOK_TOKEN:
            from django.urls import reverse

            body["webUrl"] = settings.SITE_URL.rstrip("/") + reverse(
                "appointment_link:sms_webhook", args=[settings.SMS_WEBHOOK_TOKEN]
            )
        request = urllib.request.Request(
            settings.SMS_BREVO_API_URL.rstrip("/") + "/transactionalSMS/send",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": settings.SMS_BREVO_API_KEY,
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                code = json.loads(error.read() or b"{}").get("code", "")
            except ValueError:
                code = ""
            # 4xx but 429: the request itself is refused (number, credit, key).
            permanent = 400 <= error.code < 500 and error.code != 429
            raise SmsError(f"brevo {error.code} {code}"[:200], permanent=permanent) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"brevo {type(error).__name__}") from error
        if "messageId" not in answer:
            raise SmsError("brevo answer without messageId")
        return str(answer["messageId"])


# Brevo's SMS events → our delivery statuses.
BREVO_EVENTS = {
    "sent": DeliveryStatus.ACCEPTED,
    "accepted": DeliveryStatus.ACCEPTED,
    "delivered": DeliveryStatus.DELIVERED,
    "soft_bounce": DeliveryStatus.UNDELIVERED,
    "softbounce": DeliveryStatus.UNDELIVERED,
    "hard_bounce": DeliveryStatus.UNDELIVERED,
    "hardbounce": DeliveryStatus.UNDELIVERED,
    "rejected": DeliveryStatus.UNDELIVERED,
    "blacklisted": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.UNDELIVERED,
}


def brevo_receipt(payload):
    """(provider id, delivery status) of a Brevo SMS webhook's JSON, or None."""
    if not isinstance(payload, dict):
        return None
    message_id = payload.get("messageId") or payload.get("message_id")
    event = str(payload.get("event") or payload.get("msg_status") or "").lower()
    status = BREVO_EVENTS.get(event)
    if not message_id or status is None:
        return None
    return str(message_id), status
