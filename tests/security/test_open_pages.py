"""Pages open without login check their own secret: the SMS provider's
delivery receipts."""

import pytest


@pytest.mark.parametrize("secret", ["secret-webhook", "devine", "é-accentué"])
def test_receipts_are_refused_when_no_webhook_secret_is_configured(client, settings, secret):
    settings.SMS_WEBHOOK_TOKEN = ""

    response = client.post(f"/rdv/sms/recus/{secret}/", "{}", content_type="application/json")

    assert response.status_code == 404


def test_a_receipt_with_a_non_ascii_wrong_secret_is_a_404_not_an_error(client, settings):
    settings.SMS_WEBHOOK_TOKEN = "secret-webhook"

    response = client.post("/rdv/sms/recus/secrét/", "{}", content_type="application/json")

    assert response.status_code == 404


def test_a_receipt_with_the_right_secret_is_accepted(client, settings):
    settings.SMS_WEBHOOK_TOKEN = "secret-webhook"

    response = client.post("/rdv/sms/recus/secret-webhook/", "{}", content_type="application/json")

    assert response.status_code == 200
