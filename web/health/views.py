"""The health endpoint of the load balancer and of the operators: database,
broker and task worker, without any personal data."""

import datetime

from celery import current_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.models import WorkerHeartbeat


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unavailable
        return "unavailable"


def _broker_status():
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the broker is unavailable
        return "unavailable"


def _worker_status(database_ok):
    if not database_ok:
        return {"status": "unknown", "last_heartbeat": None, "age_seconds": None}
    last = (
        WorkerHeartbeat.objects.order_by("-last_seen_at")
        .values_list("last_seen_at", flat=True)
        .first()
    )
    if last is None:
        return {"status": "unknown", "last_heartbeat": None, "age_seconds": None}
    age = (timezone.now() - last).total_seconds()
    stale_after = datetime.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS).total_seconds()
    return {
        "status": "ok" if age <= stale_after else "stale",
        "last_heartbeat": last.isoformat(),
        "age_seconds": round(age),
    }


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """State of the database, the broker and the task worker, without any
    personal data. 503 when the database is unavailable."""
    database = _database_status()
    broker = _broker_status()
    worker = _worker_status(database == "ok")
    healthy = database == "ok" and broker == "ok"
    payload = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "broker": broker,
        "worker": worker,
    }
    return JsonResponse(payload, status=200 if database == "ok" else 503)
