import time

import pytest

from config.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import record_worker_heartbeat


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_healthz_reports_database_and_broker_ok(client):
    payload = client.get("/healthz").json()

    assert payload["database"] == "ok"
    assert payload["broker"] == "ok"
    assert payload["status"] == "ok"


def test_healthz_reports_an_unknown_worker_before_any_heartbeat(client):
    payload = client.get("/healthz").json()

    assert payload["worker"] == {"status": "unknown", "last_heartbeat": None, "age_seconds": None}


def test_healthz_reports_an_unreachable_broker(client, monkeypatch):
    # A real connection attempt to a closed local port, not a mock.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    payload = client.get("/healthz").json()

    assert payload["broker"] == "unavailable"
    assert payload["status"] == "degraded"


def test_healthz_reports_a_stale_worker(client, settings, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+01:00")
    WorkerHeartbeat.objects.create(name="worker-1", last_seen_at="2026-03-02T09:00:00+01:00")

    payload = client.get("/healthz").json()

    assert payload["worker"]["status"] == "stale"
    assert payload["worker"]["age_seconds"] == 3600


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_its_heartbeat_and_healthz_shows_it(client, celery_worker):
    record_worker_heartbeat.delay()

    deadline = time.monotonic() + 20
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)

    payload = client.get("/healthz").json()
    assert payload["worker"]["status"] == "ok"
    assert payload["worker"]["age_seconds"] <= 5
